-- Neovim client for the copydesk language server.
--
--   require("copydesk").setup({
--     cmd = { "copydesk", "lsp" },
--     filetypes = { "markdown", "text" },
--     settings = { duplicates = { nearThreshold = 0.85 } },
--   })
--
-- Uses vim.lsp.config + vim.lsp.enable on Neovim 0.11+, and vim.lsp.start from
-- a FileType autocmd on 0.10. See editors/nvim/README.md.

local M = {}

local NAME = "copydesk"
local uv = vim.uv or vim.loop

--- Server settings (the `copydesk` section). Sent as initializationOptions and
--- in workspace/didChangeConfiguration as { settings = { copydesk = ... } }.
M.default_settings = {
  duplicates = { enabled = true, nearThreshold = 0.65, minWords = 6 },
  quotes = { unattributed = true, unbalanced = true },
}

M.defaults = {
  --- Command that starts the server. Default: $COPYDESK_BIN if set, else `copydesk` on PATH.
  cmd = nil,
  filetypes = { "markdown", "text" },
  --- Files or folders that mark a project root; the first folder upwards
  --- containing one is the root, else the file's own folder.
  root_markers = { "copydesk.toml", ".git" },
  --- Merged over M.default_settings.
  settings = {},
  --- Show code lenses (speaker · outlet · day · words above each quote).
  codelens = true,
  --- Extra on_attach(client, bufnr) called after copydesk's own.
  on_attach = nil,
  --- true: vim.lsp.config + vim.lsp.enable; false: vim.lsp.start from a FileType
  --- autocmd; nil: the former on Neovim 0.11+, the latter on 0.10.
  use_lsp_enable = nil,
}

M.config = vim.deepcopy(M.defaults)

local function default_cmd()
  local bin = vim.env.COPYDESK_BIN
  if bin == nil or bin == "" then
    bin = "copydesk"
  end
  return { bin, "lsp" }
end

--- Root folder for a buffer: nearest folder with a root marker, else the file's folder.
function M.root_dir(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local path = vim.api.nvim_buf_get_name(bufnr)
  if vim.fs.root then
    local root = vim.fs.root(bufnr, M.config.root_markers)
    if root then
      return root
    end
  else
    local found = vim.fs.find(M.config.root_markers, { path = vim.fs.dirname(path), upward = true })[1]
    if found then
      return vim.fs.dirname(found)
    end
  end
  if path == "" then
    return uv.cwd()
  end
  return vim.fs.dirname(vim.fs.normalize(path))
end

function M.settings()
  return vim.tbl_deep_extend("force", vim.deepcopy(M.default_settings), M.config.settings or {})
end

---------------------------------------------------------------------------
-- Client-side pieces: the code lens command and lens refreshing.
---------------------------------------------------------------------------

--- `copydesk.showQuotes(uri, position, locations)`: the code lens command.
--- Puts every quote of that speaker in the quickfix list and opens it.
local function show_quotes(command, ctx)
  local args = command.arguments or {}
  local locations = args[3]
  if type(locations) ~= "table" or vim.tbl_isempty(locations) then
    vim.notify("copydesk: no quotes to show", vim.log.levels.INFO)
    return
  end
  local client = ctx and ctx.client_id and vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or "utf-16"
  local items = vim.lsp.util.locations_to_items(locations, encoding)
  vim.fn.setqflist({}, " ", { title = command.title or "copydesk: quotes", items = items })
  vim.cmd("botright copen")
end

local function refresh_codelens(bufnr)
  if not M.config.codelens or not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  if #vim.lsp.get_clients({ bufnr = bufnr, name = NAME }) == 0 then
    return
  end
  pcall(vim.lsp.codelens.refresh, { bufnr = bufnr })
end

local lens_group = vim.api.nvim_create_augroup("copydesk.codelens", { clear = true })

--- Registers the client-side command and the code lens autocmds. Called by
--- setup(); call it yourself if you start the server another way (e.g.
--- nvim-lspconfig) so code lenses and their clicks work.
function M.register_client_side()
  vim.lsp.commands["copydesk.showQuotes"] = show_quotes

  vim.api.nvim_create_autocmd("LspAttach", {
    group = vim.api.nvim_create_augroup("copydesk.attach", { clear = true }),
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if not client or client.name ~= NAME then
        return
      end
      local bufnr = args.buf
      vim.api.nvim_clear_autocmds({ group = lens_group, buffer = bufnr })
      vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "BufWritePost" }, {
        group = lens_group,
        buffer = bufnr,
        callback = function()
          refresh_codelens(bufnr)
        end,
      })
      refresh_codelens(bufnr)
      if M.config.on_attach then
        M.config.on_attach(client, bufnr)
      end
    end,
  })
end

---------------------------------------------------------------------------
-- Starting the server.
---------------------------------------------------------------------------

-- Client methods are called with `:` on 0.11+ and with `.` on 0.10.
local function client_call(client, method, ...)
  if vim.fn.has("nvim-0.11") == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function has_enable_api()
  if M.config.use_lsp_enable ~= nil then
    return M.config.use_lsp_enable
  end
  return vim.lsp.config ~= nil and vim.lsp.enable ~= nil and vim.fn.has("nvim-0.11") == 1
end

--- Full client config for one buffer (used by vim.lsp.start on 0.10 and by :CopydeskRestart).
function M.client_config(bufnr)
  local settings = M.settings()
  return {
    name = NAME,
    cmd = M.config.cmd or default_cmd(),
    root_dir = M.root_dir(bufnr),
    init_options = settings,
    settings = { copydesk = settings },
  }
end

local function start_buffer(bufnr)
  if vim.bo[bufnr].buftype ~= "" then
    return
  end
  vim.lsp.start(M.client_config(bufnr), { bufnr = bufnr })
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  M.register_client_side()

  if has_enable_api() then
    local settings = M.settings()
    vim.lsp.config(NAME, {
      cmd = M.config.cmd or default_cmd(),
      filetypes = M.config.filetypes,
      root_dir = function(bufnr, on_dir)
        on_dir(M.root_dir(bufnr))
      end,
      init_options = settings,
      settings = { copydesk = settings },
    })
    vim.lsp.enable(NAME)
  else
    vim.api.nvim_create_autocmd("FileType", {
      group = vim.api.nvim_create_augroup("copydesk.start", { clear = true }),
      pattern = M.config.filetypes,
      callback = function(args)
        start_buffer(args.buf)
      end,
    })
    -- Buffers already open when setup() runs.
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(M.config.filetypes, vim.bo[buf].filetype) then
        start_buffer(buf)
      end
    end
  end
end

--- Changes settings on the fly: sends workspace/didChangeConfiguration to running clients.
function M.update_settings(settings)
  M.config.settings = vim.tbl_deep_extend("force", M.config.settings or {}, settings or {})
  local merged = M.settings()
  if has_enable_api() then
    vim.lsp.config(NAME, { init_options = merged, settings = { copydesk = merged } })
  end
  for _, client in ipairs(vim.lsp.get_clients({ name = NAME })) do
    client.settings = { copydesk = merged }
    client_call(client, "notify", "workspace/didChangeConfiguration", { settings = { copydesk = merged } })
  end
end

--- Stops every copydesk client and starts new ones for the buffers they served.
function M.restart()
  local clients = vim.lsp.get_clients({ name = NAME })
  local buffers = {}
  for _, client in ipairs(clients) do
    for bufnr in pairs(client.attached_buffers) do
      buffers[#buffers + 1] = bufnr
    end
    client_call(client, "stop")
  end
  local stopped = vim.wait(5000, function()
    for _, client in ipairs(clients) do
      if not client_call(client, "is_stopped") then
        return false
      end
    end
    return true
  end, 50)
  if not stopped then
    for _, client in ipairs(clients) do
      client_call(client, "stop", true)
    end
  end
  for _, bufnr in ipairs(buffers) do
    if vim.api.nvim_buf_is_valid(bufnr) then
      start_buffer(bufnr)
    end
  end
  vim.notify(("copydesk: restarted (%d buffer%s)"):format(#buffers, #buffers == 1 and "" or "s"))
end

return M
