-- maze ghost text for Neovim.
--
-- On Neovim 0.12+ the built-in `vim.lsp.inline_completion` shows it. On 0.11 this module does it
-- itself: after each change in Insert mode (debounced) it sends `textDocument/inlineCompletion`,
-- shows the first item as virtual text at the cursor (the first line inline, further lines as
-- virtual lines), accepts it with the accept key, and drops it when the cursor moves away, on
-- another change, when the completion menu opens, or on leaving Insert mode.

local M = {}

local api = vim.api
local ns = api.nvim_create_namespace("maze.inline")
local METHOD = "textDocument/inlineCompletion"
local AUTOMATIC = 2 -- InlineCompletionTriggerKind.Automatic
local INVOKED = 1

M.opts = {
  enable = true,
  debounce_ms = 75,
  accept_key = "<Tab>", -- false: no mapping (call require("maze").accept() from your own)
  dismiss_key = false, -- e.g. "<C-]>"
  native = true, -- use vim.lsp.inline_completion when this Neovim has it
  hl_group = "MazeGhostText",
}

--- Set by :MazeToggle: no requests while true.
M.paused = false

---@class maze.Suggestion
---@field row integer 0-based line of the cursor
---@field col integer 0-based byte column of the cursor
---@field end_col integer byte column where the replaced text ends (== col when nothing is replaced)
---@field lines string[] the text to insert at the cursor, split into lines
---@field tick integer buffer changedtick it belongs to

---@class maze.BufState
---@field timer uv.uv_timer_t?
---@field request {client: vim.lsp.Client, id: integer}?
---@field suggestion maze.Suggestion?
---@field requests integer number of requests sent (for tests and :MazeStatus)
---@field answers integer number of non-empty answers
---@field errors integer number of error answers
---@field last_error string? the last error message

---@type table<integer, maze.BufState>
local state = {}

local function native_available()
  return M.opts.native
    and vim.fn.has("nvim-0.12") == 1
    and vim.lsp.inline_completion ~= nil
    and vim.lsp.inline_completion.enable ~= nil
end

function M.uses_native()
  return native_available()
end

local function maze_client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = "maze" })[1]
end

local function in_insert_mode()
  return api.nvim_get_mode().mode:sub(1, 1) == "i"
end

--- Remove the ghost text (not the pending request).
local function hide(bufnr)
  local s = state[bufnr]
  if s then
    s.suggestion = nil
  end
  if api.nvim_buf_is_valid(bufnr) then
    api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  end
end

--- Stop the debounce timer and cancel the request in flight.
local function cancel(bufnr)
  local s = state[bufnr]
  if not s then
    return
  end
  if s.timer then
    s.timer:stop()
  end
  if s.request then
    pcall(function()
      s.request.client:cancel_request(s.request.id)
    end)
    s.request = nil
  end
end

function M.dismiss(bufnr)
  bufnr = bufnr or api.nvim_get_current_buf()
  cancel(bufnr)
  hide(bufnr)
end

local function expand_tabs(text, bufnr)
  local width = vim.bo[bufnr].tabstop
  return (text:gsub("\t", string.rep(" ", width)))
end

local function render(bufnr, suggestion)
  api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  local hl = M.opts.hl_group
  local first = suggestion.lines[1]
  local opts = { hl_mode = "combine", priority = 1000 }
  if first ~= "" then
    opts.virt_text = { { expand_tabs(first, bufnr), hl } }
    opts.virt_text_pos = "inline"
  end
  if #suggestion.lines > 1 then
    local virt_lines = {}
    for i = 2, #suggestion.lines do
      table.insert(virt_lines, { { expand_tabs(suggestion.lines[i], bufnr), hl } })
    end
    opts.virt_lines = virt_lines
  end
  api.nvim_buf_set_extmark(bufnr, ns, suggestion.row, suggestion.col, opts)
end

--- The first usable item of an inlineCompletion answer, as a suggestion at the cursor; nil if none.
local function to_suggestion(bufnr, result, row, col, encoding)
  local items = result and (result.items or result) or {}
  local line = api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
  for _, item in ipairs(items) do
    local text = item.insertText
    if type(text) == "table" then
      text = text.value -- a snippet: shown and inserted as plain text
    end
    if type(text) == "string" and text ~= "" then
      local end_col = col
      local range = item.range
      if range then
        if range.start.line ~= row or range["end"].line ~= row then
          goto continue
        end
        local start_col = vim.str_byteindex(line, encoding, range.start.character, false)
        end_col = math.max(col, vim.str_byteindex(line, encoding, range["end"].character, false))
        if start_col < col then -- the item also covers text already typed: it must start with it
          local typed = line:sub(start_col + 1, col)
          if text:sub(1, #typed) ~= typed then
            goto continue
          end
          text = text:sub(#typed + 1)
        elseif start_col > col then
          goto continue
        end
      end
      if text ~= "" then
        text = text:gsub("\r\n", "\n")
        return {
          row = row,
          col = col,
          end_col = end_col,
          lines = vim.split(text, "\n", { plain = true }),
          tick = api.nvim_buf_get_changedtick(bufnr),
        }
      end
    end
    ::continue::
  end
  return nil
end

--- Ask the server for a suggestion at the cursor of the current window (which must show `bufnr`).
function M.request(bufnr, trigger_kind)
  bufnr = bufnr or api.nvim_get_current_buf()
  local s = state[bufnr]
  if not s or M.paused or api.nvim_get_current_buf() ~= bufnr or not in_insert_mode() then
    return
  end
  local client = maze_client(bufnr)
  if not client then
    return
  end
  cancel(bufnr)
  local win = api.nvim_get_current_win()
  local cursor = api.nvim_win_get_cursor(win)
  local row, col = cursor[1] - 1, cursor[2]
  local tick = api.nvim_buf_get_changedtick(bufnr)
  local encoding = client.offset_encoding
  local params = vim.lsp.util.make_position_params(win, encoding)
  params.context = { triggerKind = trigger_kind or AUTOMATIC }
  local ok, id
  ok, id = client:request(METHOD, params, function(err, result)
    if s.request and s.request.id == id then
      s.request = nil
    end
    if err then
      if err.code ~= -32800 then -- RequestCancelled is routine: a newer keystroke superseded it
        s.errors = s.errors + 1
        s.last_error = err.message or vim.inspect(err)
        vim.lsp.log.warn("maze: inlineCompletion failed: " .. s.last_error)
      end
      return
    end
    if not api.nvim_buf_is_valid(bufnr) then
      return
    end
    -- Drop answers for a state that is gone: another change, another cursor, Normal mode.
    local now = api.nvim_win_is_valid(win) and api.nvim_win_get_cursor(win) or { -1, -1 }
    if api.nvim_buf_get_changedtick(bufnr) ~= tick or now[1] - 1 ~= row or now[2] ~= col or not in_insert_mode()
      or api.nvim_get_current_buf() ~= bufnr then
      return
    end
    if vim.fn.pumvisible() == 1 then -- the completion menu has the keys now; no ghost text beside it
      return
    end
    local suggestion = to_suggestion(bufnr, result, row, col, encoding)
    if suggestion then
      s.answers = s.answers + 1
      s.suggestion = suggestion
      render(bufnr, suggestion)
    else
      hide(bufnr)
    end
  end, bufnr)
  if ok and id then
    s.requests = s.requests + 1
    s.request = { client = client, id = id }
  end
end

--- Request after the debounce; each new change restarts the wait.
local function schedule(bufnr)
  local s = state[bufnr]
  if not s or M.paused then
    return
  end
  s.timer = s.timer or vim.uv.new_timer()
  s.timer:stop()
  s.timer:start(
    M.opts.debounce_ms,
    0,
    vim.schedule_wrap(function()
      if state[bufnr] then
        M.request(bufnr, AUTOMATIC)
      end
    end)
  )
end

--- The suggestion shown in `bufnr` (or nil): {row, col, text}.
function M.current(bufnr)
  bufnr = bufnr or api.nvim_get_current_buf()
  local s = state[bufnr]
  if not s or not s.suggestion then
    return nil
  end
  local sug = s.suggestion
  return { row = sug.row, col = sug.col, text = table.concat(sug.lines, "\n") }
end

function M.stats(bufnr)
  local s = state[bufnr or api.nvim_get_current_buf()]
  return s and { requests = s.requests, answers = s.answers, errors = s.errors, last_error = s.last_error } or nil
end

function M.visible(bufnr)
  bufnr = bufnr or api.nvim_get_current_buf()
  if native_available() then
    return nil -- the built-in feature keeps its own state
  end
  local s = state[bufnr]
  return s ~= nil and s.suggestion ~= nil and s.suggestion.tick == api.nvim_buf_get_changedtick(bufnr)
end

--- Insert the shown suggestion and put the cursor after it; false when there is none.
function M.accept(bufnr)
  bufnr = bufnr or api.nvim_get_current_buf()
  if native_available() then
    local ok, accepted = pcall(vim.lsp.inline_completion.get, { bufnr = bufnr })
    return ok and accepted == true
  end
  if not M.visible(bufnr) then
    return false
  end
  local sug = state[bufnr].suggestion
  cancel(bufnr)
  hide(bufnr)
  api.nvim_buf_set_text(bufnr, sug.row, sug.col, sug.row, sug.end_col, sug.lines)
  local last = #sug.lines
  local end_row = sug.row + last - 1
  local end_col = (last == 1 and sug.col or 0) + #sug.lines[last]
  if api.nvim_get_current_buf() == bufnr then
    api.nvim_win_set_cursor(0, { end_row + 1, end_col })
  end
  return true
end

local function set_keymaps(bufnr)
  local key = M.opts.accept_key
  if key and native_available() then
    -- A plain mapping (not <expr>): accepting edits the buffer, which an <expr> mapping may not.
    vim.keymap.set("i", key, function()
      local ok, accepted = pcall(vim.lsp.inline_completion.get, { bufnr = bufnr })
      if not (ok and accepted) then
        api.nvim_feedkeys(vim.keycode(key), "n", false)
      end
    end, { buffer = bufnr, desc = "maze: accept the ghost text" })
  elseif key then
    vim.keymap.set("i", key, function()
      if M.visible(bufnr) then
        return "<Cmd>lua require('maze.inline').accept()<CR>"
      end
      return key
    end, { buffer = bufnr, expr = true, replace_keycodes = true, desc = "maze: accept the ghost text" })
  end
  if M.opts.dismiss_key then
    vim.keymap.set("i", M.opts.dismiss_key, function()
      M.dismiss(bufnr)
    end, { buffer = bufnr, desc = "maze: dismiss the ghost text" })
  end
end

--- Start showing ghost text in `bufnr` (called when the maze client attaches).
function M.attach(bufnr, client)
  if not M.opts.enable or state[bufnr] then
    return
  end
  state[bufnr] = { requests = 0, answers = 0, errors = 0 }
  set_keymaps(bufnr)
  if native_available() then
    pcall(vim.lsp.inline_completion.enable, true, { bufnr = bufnr, client_id = client and client.id or nil })
    return
  end
  local group = api.nvim_create_augroup("maze.inline." .. bufnr, { clear = true })
  api.nvim_create_autocmd("TextChangedI", {
    group = group,
    buffer = bufnr,
    callback = function()
      hide(bufnr)
      schedule(bufnr)
    end,
  })
  api.nvim_create_autocmd("CursorMovedI", {
    group = group,
    buffer = bufnr,
    callback = function()
      local sug = state[bufnr] and state[bufnr].suggestion
      if sug then
        local cursor = api.nvim_win_get_cursor(0)
        if cursor[1] - 1 ~= sug.row or cursor[2] ~= sug.col then
          hide(bufnr)
        end
      end
    end,
  })
  api.nvim_create_autocmd("CompleteChanged", {
    group = group,
    buffer = bufnr,
    callback = function()
      hide(bufnr)
    end,
  })
  api.nvim_create_autocmd({ "InsertLeave", "BufLeave" }, {
    group = group,
    buffer = bufnr,
    callback = function()
      M.dismiss(bufnr)
    end,
  })
end

function M.detach(bufnr)
  if not state[bufnr] then
    return
  end
  M.dismiss(bufnr)
  if state[bufnr].timer then
    state[bufnr].timer:close()
  end
  state[bufnr] = nil
  pcall(api.nvim_del_augroup_by_name, "maze.inline." .. bufnr)
  if native_available() then
    pcall(vim.lsp.inline_completion.enable, false, { bufnr = bufnr })
  end
  if M.opts.accept_key then
    pcall(vim.keymap.del, "i", M.opts.accept_key, { buffer = bufnr })
  end
  if M.opts.dismiss_key then
    pcall(vim.keymap.del, "i", M.opts.dismiss_key, { buffer = bufnr })
  end
end

--- Ask now, without waiting for a change (mapped by `suggest_key`).
function M.suggest()
  local bufnr = api.nvim_get_current_buf()
  if native_available() then
    return
  end
  M.request(bufnr, INVOKED)
end

M.TRIGGER_INVOKED = INVOKED

function M.setup_highlight()
  api.nvim_set_hl(0, "MazeGhostText", { link = "Comment", default = true })
end

return M
