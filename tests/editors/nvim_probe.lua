-- Loaded by tests/editors/test_neovim.py into the Neovim under test: one JSON snapshot of what the
-- test asserts on, read through `nvim --server SOCK --remote-expr`.
local M = {}

function M.state()
  local bufnr = vim.api.nvim_get_current_buf()
  local inline = require("maze.inline")
  local clients = vim.lsp.get_clients({ bufnr = bufnr, name = "maze" })
  local pum = vim.fn.pumvisible() == 1
  local items = {}
  if pum then
    for _, item in ipairs(vim.fn.complete_info({ "items" }).items or {}) do
      local lsp_item = vim.tbl_get(item, "user_data", "nvim", "lsp", "completion_item")
      table.insert(items, { word = item.word, lsp = lsp_item })
    end
  end
  return vim.json.encode({
    mode = vim.api.nvim_get_mode().mode,
    text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n"),
    cursor = vim.api.nvim_win_get_cursor(0),
    attached = #clients > 0,
    client_id = clients[1] and clients[1].id or nil,
    paused = inline.paused,
    status = require("maze").status,
    statusline = require("maze").statusline(),
    native = inline.uses_native(),
    ghost = inline.current(bufnr),
    stats = inline.stats(bufnr),
    pum = pum,
    items = items,
    omnifunc = vim.bo[bufnr].omnifunc,
    version = tostring(vim.version()),
  })
end

return M
