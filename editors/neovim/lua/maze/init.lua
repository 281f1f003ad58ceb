-- maze for Neovim 0.11+: the `maze lsp` language server through the built-in client.
--
--   require("maze").setup({
--     settings = { maxTokens = 48, mode = "auto" },   -- maze settings, camelCase as in the docs
--   })
--
-- It registers the server with vim.lsp.config("maze", ...) + vim.lsp.enable("maze"), turns on the
-- built-in completion (vim.lsp.completion) and ghost text (vim.lsp.inline_completion on 0.12+, a
-- small virtual-text implementation on 0.11), and adds :MazeToggle, :MazeRestart, :MazeStatus
-- and :MazeLog.

local M = {}

local api = vim.api
local inline = require("maze.inline")

M.filetypes = { "python", "typescript", "typescriptreact", "javascript", "javascriptreact", "rust", "go", "zig" }

local defaults = {
  cmd = { "maze", "lsp" },
  filetypes = M.filetypes,
  root_markers = { ".git", "pyproject.toml", "setup.py", "package.json", "tsconfig.json", "Cargo.toml", "go.mod",
    "build.zig" },
  -- The `maze` settings section (keys as the server expects them: engine, modelPath, endpoint,
  -- tokenEnv, maxTokens, mode, debounceMs, timeoutMs, constrained, ...). Empty: server defaults.
  -- Set endpoint/tokenEnv in your own config, not in a project's .nvim.lua (exrc): a project could
  -- point the endpoint at its own server. The server reads a token only from MAZE_API_KEY or names
  -- allowed with `maze lsp --allow-token-env NAME`, and sends it only over https or to localhost.
  settings = {},
  completion = {
    enable = true, -- vim.lsp.completion.enable for the maze client (<C-x><C-o> or autotrigger)
    autotrigger = false, -- open the menu on the server's trigger characters as you type
  },
  inline = {
    enable = true,
    debounce_ms = 75,
    accept_key = "<Tab>", -- only while ghost text is shown; otherwise the key does what it did
    dismiss_key = false,
    suggest_key = false, -- e.g. "<M-\\>": ask for ghost text now
    native = true, -- use vim.lsp.inline_completion on Neovim 0.12+
  },
  notify_status = true, -- vim.notify when the server falls back or has no engine
}

M.config = vim.deepcopy(defaults)

---@type {state: string, engine: string?, model: string?, message: string?}?
M.status = nil

local function clients()
  return vim.lsp.get_clients({ name = "maze" })
end

--- What the server is sent: the settings plus the `maze/status` notifications.
local function server_settings()
  return vim.tbl_extend("force", M.config.settings, { statusNotifications = true })
end

local function on_status(_, result)
  if type(result) ~= "table" then
    return
  end
  local previous = M.status and M.status.state
  M.status = result
  api.nvim_exec_autocmds("User", { pattern = "MazeStatus", modeline = false, data = result })
  pcall(vim.cmd.redrawstatus)
  if M.config.notify_status and result.state ~= previous then
    if result.state == "fallback" or result.state == "unavailable" then
      local message = (result.message and result.message ~= "") and (": " .. result.message) or ""
      vim.notify(("maze: %s%s"):format(result.state, message), vim.log.levels.WARN)
    end
  end
end

--- A short string for a statusline: "maze:ready", "maze:loading", ...; "" when maze is not running.
function M.statusline()
  if #clients() == 0 then
    return ""
  end
  return "maze:" .. (M.status and M.status.state or "starting")
end

--- Whether a completion item is maze's (the server labels its items with detail = "maze").
local function is_maze_item(item)
  return type(item) == "table" and item.detail == "maze" and type(item.textEdit) == "table"
    and item.insertTextFormat ~= 2 -- not a snippet
end

-- Neovim's menu inserts only the text of a plain-text item up to its first whitespace (items are
-- usually words); maze's item is code: insert its whole first line, and the further lines on
-- accepting it (a menu entry cannot hold a line break).
local function convert_item(item)
  if not is_maze_item(item) then
    return {}
  end
  return { word = vim.split(item.textEdit.newText, "\n", { plain = true })[1] }
end

-- After a maze item is accepted from the menu, make the buffer hold exactly its textEdit: the
-- first line in full (when another server's setup left Neovim's word-only insertion in place) and
-- the further lines.
local function on_complete_done(bufnr)
  if vim.v.event.reason ~= "accept" then
    return
  end
  local data = vim.tbl_get(vim.v.completed_item, "user_data", "nvim", "lsp") or {}
  local item = data.completion_item
  if not is_maze_item(item) then
    return
  end
  local client = vim.lsp.get_client_by_id(data.client_id or -1)
  local encoding = client and client.offset_encoding or "utf-16"
  local lines = vim.split(item.textEdit.newText, "\n", { plain = true })
  local row, col = unpack(api.nvim_win_get_cursor(0))
  local start = item.textEdit.range.start
  if start.line ~= row - 1 then
    return
  end
  local line = api.nvim_get_current_line()
  local start_col = vim.str_byteindex(line, encoding, start.character, false)
  if start_col > col then
    return
  end
  local replacement = vim.deepcopy(lines)
  if line:sub(start_col + 1, col) == lines[1] then
    if #lines == 1 then
      return -- the menu inserted it all
    end
    start_col, replacement[1] = col, ""
  end
  api.nvim_buf_set_text(bufnr, row - 1, start_col, row - 1, col, replacement)
  local end_col = (#lines == 1 and start_col or 0) + #lines[#lines]
  api.nvim_win_set_cursor(0, { row + #lines - 1, end_col })
end

local function on_attach(client, bufnr)
  if M.config.completion.enable and vim.lsp.completion and vim.lsp.completion.enable then
    vim.lsp.completion.enable(true, client.id, bufnr, {
      autotrigger = M.config.completion.autotrigger,
      convert = convert_item,
    })
    api.nvim_create_autocmd("CompleteDone", {
      group = api.nvim_create_augroup("maze.complete." .. bufnr, { clear = true }),
      buffer = bufnr,
      callback = function()
        on_complete_done(bufnr)
      end,
    })
  end
  inline.attach(bufnr, client)
  if M.config.inline.suggest_key then
    vim.keymap.set("i", M.config.inline.suggest_key, inline.suggest, { buffer = bufnr, desc = "maze: suggest now" })
  end
end

local function lsp_config()
  local c = M.config
  return {
    cmd = c.cmd,
    filetypes = c.filetypes,
    root_markers = c.root_markers,
    settings = { maze = server_settings() },
    init_options = server_settings(),
    handlers = { ["maze/status"] = on_status },
  }
end

--- Send the current settings to the running servers (and to the ones started later).
local function push_settings()
  vim.lsp.config("maze", lsp_config())
  for _, client in ipairs(clients()) do
    client.settings = { maze = server_settings() }
    client:notify("workspace/didChangeConfiguration", { settings = { maze = server_settings() } })
  end
end

--- Turn completions on or off (the server stays running; off makes it answer nothing).
function M.toggle(enable)
  if enable == nil then
    enable = M.config.settings.enable == false
  end
  M.config.settings.enable = enable
  inline.paused = not enable
  if not enable then
    for _, bufnr in ipairs(api.nvim_list_bufs()) do
      inline.dismiss(bufnr)
    end
  end
  push_settings()
  vim.notify("maze: completions " .. (enable and "on" or "off"))
end

--- Stop the maze servers and start them again for the buffers they served.
function M.restart()
  local buffers = {}
  for _, client in ipairs(clients()) do
    for bufnr in pairs(client.attached_buffers) do
      buffers[bufnr] = true
    end
    client:stop(true)
  end
  M.status = nil
  vim.defer_fn(function()
    for bufnr in pairs(buffers) do
      if api.nvim_buf_is_valid(bufnr) then
        -- vim.lsp.enable's own FileType handler starts the configured servers for the buffer.
        pcall(api.nvim_exec_autocmds, "FileType", { group = "nvim.lsp.enable", buffer = bufnr, modeline = false })
      end
    end
  end, 500)
end

--- Accept the ghost text if one is shown; returns whether it did (for your own mappings).
function M.accept()
  return inline.accept()
end

function M.dismiss()
  inline.dismiss()
end

local function create_commands()
  api.nvim_create_user_command("MazeToggle", function()
    M.toggle()
  end, { desc = "maze: turn completions on or off" })
  api.nvim_create_user_command("MazeRestart", function()
    M.restart()
  end, { desc = "maze: restart the language server" })
  api.nvim_create_user_command("MazeStatus", function()
    local s = M.status
    if #clients() == 0 then
      print("maze: not running")
    elseif not s then
      print("maze: starting")
    else
      print(("maze: %s (%s, %s)%s"):format(s.state, s.engine or "?", s.model or "?",
        (s.message and s.message ~= "") and (" " .. s.message) or ""))
    end
  end, { desc = "maze: show the server's state" })
  api.nvim_create_user_command("MazeLog", function()
    vim.cmd.tabnew(vim.lsp.get_log_path())
  end, { desc = "maze: open the LSP log (the server's messages are there)" })
end

---@param opts table? see `defaults` above
function M.setup(opts)
  if vim.fn.has("nvim-0.11") ~= 1 then
    vim.notify("maze: needs Neovim 0.11 or newer", vim.log.levels.ERROR)
    return
  end
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  if opts and opts.filetypes then
    M.config.filetypes = opts.filetypes -- lists are replaced, not merged
  end
  if opts and opts.root_markers then
    M.config.root_markers = opts.root_markers
  end
  inline.opts = vim.tbl_extend("force", inline.opts, M.config.inline)
  inline.paused = M.config.settings.enable == false
  inline.setup_highlight()

  local group = api.nvim_create_augroup("maze", { clear = true })
  api.nvim_create_autocmd("LspAttach", {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == "maze" then
        on_attach(client, args.buf)
      end
    end,
  })
  api.nvim_create_autocmd("LspDetach", {
    group = group,
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == "maze" then
        inline.detach(args.buf)
      end
    end,
  })
  api.nvim_create_autocmd("ColorScheme", { group = group, callback = inline.setup_highlight })

  vim.lsp.config("maze", lsp_config())
  vim.lsp.enable("maze")
  create_commands()
end

return M
