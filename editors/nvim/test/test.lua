-- End-to-end test of the copydesk Neovim plugin against a real server.
--
--   COPYDESK_BIN=/path/to/copydesk nvim --headless -u NONE -i NONE -l test/test.lua
--
-- COPYDESK_TEST_SKIP_HOVER=1 / COPYDESK_TEST_SKIP_LENS=1 skip those checks.
-- Prints one line per check and "nvim: N passed, N failed"; exits 1 on failure.

local started = vim.uv.hrtime()
local function out(s)
  io.stdout:write(s .. "\n")
  io.stdout:flush()
end

local script = debug.getinfo(1, "S").source:sub(2)
local plugin_dir = vim.fs.dirname(vim.fs.dirname(vim.fs.normalize(vim.fn.fnamemodify(script, ":p"))))
local fixtures = vim.fs.joinpath(vim.fs.dirname(plugin_dir), "fixtures")
local bin = os.getenv("COPYDESK_BIN")
if not bin or bin == "" then
  out("nvim test: COPYDESK_BIN is not set")
  os.exit(2)
end
local skip_hover = os.getenv("COPYDESK_TEST_SKIP_HOVER") == "1"
local skip_lens = os.getenv("COPYDESK_TEST_SKIP_LENS") == "1"

local results = { pass = 0, fail = 0, skip = 0 }
local function record(status, name, detail)
  results[status] = results[status] + 1
  local tag = ({ pass = "ok  ", fail = "FAIL", skip = "skip" })[status]
  out(("%s %s%s"):format(tag, name, detail and detail ~= "" and (" - " .. detail) or ""))
end

local function check(name, fn)
  local ok, res = xpcall(fn, debug.traceback)
  if ok then
    record("pass", name, type(res) == "string" and res or nil)
  else
    record("fail", name, tostring(res):gsub("\n.*", ""))
  end
  return ok
end

local function finish()
  out(("nvim: %d passed, %d failed%s"):format(
    results.pass,
    results.fail,
    results.skip > 0 and (", %d skipped"):format(results.skip) or ""
  ))
  out(("nvim test: %.1f s"):format((vim.uv.hrtime() - started) / 1e9))
  for _, client in ipairs(vim.lsp.get_clients()) do
    pcall(function()
      client:stop(true)
    end)
  end
  os.exit((results.fail > 0 or results.pass == 0) and 1 or 0)
end

-- Watchdog: vim.wait() below runs the event loop, so this fires even if a wait hangs.
local watchdog = vim.uv.new_timer()
watchdog:start(180000, 0, function()
  io.stdout:write("FAIL watchdog - test took longer than 180 s\n")
  os.exit(1)
end)

local function assert_eq(got, want, what)
  if got ~= want then
    error(("%s: expected %s, got %s"):format(what, vim.inspect(want), vim.inspect(got)), 2)
  end
end

local function wait_for(ms, what, cond)
  if not vim.wait(ms, cond, 50) then
    error(("timed out after %d ms waiting for %s"):format(ms, what), 2)
  end
end

---------------------------------------------------------------------------
-- Workspace: a copy of the draft in a folder marked as a copydesk project.
---------------------------------------------------------------------------
local draft_src = vim.fs.joinpath(fixtures, "draft.md")
local draft_lines = vim.fn.readfile(draft_src)
local workspace = vim.fn.tempname() .. "-newsroom"
local nested = vim.fs.joinpath(workspace, "politics")
vim.fn.mkdir(nested, "p")
vim.fn.writefile({ "# copydesk project root" }, vim.fs.joinpath(workspace, "copydesk.toml"))
local draft = vim.fs.joinpath(nested, "draft.md")
vim.fn.writefile(draft_lines, draft)
workspace = vim.uv.fs_realpath(workspace)

-- Where things are in the draft (1-based lines).
local paragraphs, first_copy, second_copy, dup_text = {}, nil, nil, nil
for i, l in ipairs(draft_lines) do
  if l:match("%S") then
    if paragraphs[l] and not second_copy then
      first_copy, second_copy, dup_text = paragraphs[l], i, l
    end
    paragraphs[l] = paragraphs[l] or i
  end
end
assert(second_copy, "fixture has no duplicated paragraph")
local name = "Pete Hegseth"
local hover_line, hover_col
for i, l in ipairs(draft_lines) do
  local s = l:find(name, 1, true)
  if s then
    hover_line, hover_col = i, s + 1 -- 1-based line, 0-based byte column inside "Pete"
    break
  end
end

---------------------------------------------------------------------------
-- Plugin setup, exactly as a user would do it.
---------------------------------------------------------------------------
vim.opt.runtimepath:prepend(plugin_dir)
vim.cmd("filetype on")
vim.cmd("runtime plugin/copydesk.lua")
vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. "F"
-- COPYDESK_NVIM_START=start tests the Neovim 0.10 code path (vim.lsp.start from FileType).
local start_mode = os.getenv("COPYDESK_NVIM_START") or "auto"
local use_lsp_enable = nil
if start_mode == "start" then
  use_lsp_enable = false
elseif start_mode == "enable" then
  use_lsp_enable = true
end
out(("nvim test: %s, start mode %s"):format(tostring(vim.version()), start_mode))
require("copydesk").setup({ cmd = { bin, "lsp" }, use_lsp_enable = use_lsp_enable })

vim.cmd.edit(vim.fn.fnameescape(draft))
local buf = vim.api.nvim_get_current_buf()

local ok_attach = check("server attaches to the markdown buffer", function()
  assert_eq(vim.bo[buf].filetype, "markdown", "filetype")
  wait_for(10000, "the copydesk client to attach", function()
    return #vim.lsp.get_clients({ bufnr = buf, name = "copydesk" }) > 0
  end)
  local client = vim.lsp.get_clients({ bufnr = buf, name = "copydesk" })[1]
  wait_for(10000, "initialize", function()
    return client.initialized == true or client.server_capabilities ~= nil
  end)
  assert_eq(client.root_dir, workspace, "root_dir (folder with copydesk.toml)")
  local info = client.server_info or {}
  return ("%s %s, root %s"):format(info.name or "?", info.version or "?", client.root_dir)
end)
if not ok_attach then
  finish()
end

local function dup_diagnostics()
  return vim.tbl_filter(function(d)
    return d.source == "copydesk" and d.code == "duplicate-paragraph"
  end, vim.diagnostic.get(buf))
end

check("duplicate-paragraph warning on the pasted copy", function()
  wait_for(15000, "diagnostics", function()
    return #dup_diagnostics() > 0
  end)
  local d = dup_diagnostics()
  assert_eq(#d, 1, "number of duplicate-paragraph diagnostics")
  d = d[1]
  assert_eq(d.lnum + 1, second_copy, "line of the diagnostic")
  assert_eq(d.severity, vim.diagnostic.severity.WARN, "severity")
  local want = ("Duplicate of the paragraph at line %d"):format(first_copy)
  if d.message:sub(1, #want) ~= want then
    error(("message %q does not start with %q"):format(d.message, want))
  end
  local related = d.user_data and d.user_data.lsp and d.user_data.lsp.relatedInformation
  if not related or not related[1] then
    error("no relatedInformation pointing at the first copy")
  end
  assert_eq(related[1].location.range.start.line + 1, first_copy, "relatedInformation line")
  return ("line %d: %s"):format(d.lnum + 1, d.message)
end)

local function float_text()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= "" then
      local b = vim.api.nvim_win_get_buf(win)
      return table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), "\n"), win
    end
  end
end

if skip_hover then
  record("skip", "hover on a name", "COPYDESK_TEST_SKIP_HOVER=1")
else
  check("hover on a name (vim.lsp.buf.hover)", function()
    local client = vim.lsp.get_clients({ bufnr = buf, name = "copydesk" })[1]
    if not client.server_capabilities.hoverProvider then
      error("the server does not advertise hoverProvider (hover not implemented yet?)")
    end
    vim.api.nvim_win_set_cursor(0, { hover_line, hover_col })
    vim.lsp.buf.hover()
    local text
    wait_for(10000, "the hover window", function()
      text = float_text()
      return text ~= nil and text ~= ""
    end)
    local first = vim.split(text, "\n")[1]
    if not first:find("**" .. name .. "**", 1, true) then
      error(("first hover line %q does not have **%s**"):format(first, name))
    end
    local _, win = float_text()
    pcall(vim.api.nvim_win_close, win, true)
    return first
  end)
end

if skip_lens then
  record("skip", "code lens above a quote", "COPYDESK_TEST_SKIP_LENS=1")
else
  check("code lens above a quote, and its command fills the quickfix list", function()
    local client = vim.lsp.get_clients({ bufnr = buf, name = "copydesk" })[1]
    if not client.server_capabilities.codeLensProvider then
      error("the server does not advertise codeLensProvider (code lenses not implemented yet?)")
    end
    vim.lsp.codelens.refresh({ bufnr = buf })
    local lenses
    wait_for(10000, "code lenses", function()
      lenses = vim.tbl_filter(function(l)
        return l.command and l.command.title and l.command.title:find("words", 1, true)
      end, vim.lsp.codelens.get(buf))
      return #lenses > 0
    end)
    local lens = lenses[1]
    assert_eq(lens.command.command, "copydesk.showQuotes", "lens command")
    if not lens.command.title:find("Zelensky", 1, true) then
      error(("lens title %q does not name the speaker"):format(lens.command.title))
    end
    -- Shown as virtual text?
    local shown = false
    for _, ns in pairs(vim.api.nvim_get_namespaces()) do
      for _, m in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
        for _, chunk in ipairs(m[4].virt_text or {}) do
          shown = shown or chunk[1]:find("Zelensky", 1, true) ~= nil
        end
        for _, vl in ipairs(m[4].virt_lines or {}) do
          for _, chunk in ipairs(vl) do
            shown = shown or chunk[1]:find("Zelensky", 1, true) ~= nil
          end
        end
      end
    end
    if not shown then
      error("lens title is not displayed in the buffer")
    end
    -- Run it like a user: cursor on the quote, :CopydeskCodeLens (vim.lsp.codelens.run()).
    vim.fn.setqflist({}, "r", { items = {} })
    vim.api.nvim_win_set_cursor(0, { lens.range.start.line + 1, 0 })
    vim.cmd("CopydeskCodeLens")
    wait_for(5000, "the quickfix list", function()
      return #vim.fn.getqflist() > 0
    end)
    local qf = vim.fn.getqflist()
    local qf_open = vim.fn.getqflist({ winid = 0 }).winid ~= 0
    if not qf_open then
      error("quickfix window not opened")
    end
    -- The draft has two quotes by Zelensky.
    assert_eq(#qf, 2, "quotes in the quickfix list")
    for _, item in ipairs(qf) do
      if item.bufnr ~= buf then
        error("quickfix item points at another buffer")
      end
    end
    vim.cmd("cclose")
    vim.api.nvim_set_current_win(vim.fn.bufwinid(buf))
    return ("%q; quickfix: %d quote(s), first on line %d"):format(lens.command.title, #qf, qf[1].lnum)
  end)
end

check("settings reach the server (duplicates.enabled off, then on)", function()
  require("copydesk").update_settings({ duplicates = { enabled = false } })
  wait_for(10000, "the warning to go away", function()
    return #dup_diagnostics() == 0
  end)
  require("copydesk").update_settings({ duplicates = { enabled = true } })
  wait_for(10000, "the warning to come back", function()
    return #dup_diagnostics() > 0
  end)
  return "workspace/didChangeConfiguration honoured"
end)

check(":CopydeskRestart starts a new server that reports again", function()
  local old = vim.lsp.get_clients({ bufnr = buf, name = "copydesk" })[1]
  vim.cmd("silent CopydeskRestart")
  wait_for(10000, "a new client", function()
    local c = vim.lsp.get_clients({ bufnr = buf, name = "copydesk" })[1]
    return c ~= nil and c.id ~= old.id
  end)
  wait_for(15000, "diagnostics from the new server", function()
    return #dup_diagnostics() > 0
  end)
  return "client " .. old.id .. " -> " .. vim.lsp.get_clients({ bufnr = buf, name = "copydesk" })[1].id
end)

check("source action 'Remove all duplicate paragraphs' is offered", function()
  local client = vim.lsp.get_clients({ bufnr = buf, name = "copydesk" })[1]
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.range = { start = { line = 0, character = 0 }, ["end"] = { line = #draft_lines, character = 0 } }
  params.context = { diagnostics = {}, only = { "source.fixAll.copydesk" } }
  local res = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 5000) or {}
  local titles = {}
  for _, r in pairs(res) do
    for _, a in ipairs(r.result or {}) do
      titles[#titles + 1] = a.title
      if a.title == "Remove all duplicate paragraphs" then
        assert_eq(a.kind, "source.fixAll.copydesk", "kind")
        return a.title
      end
    end
  end
  error("not offered; got " .. vim.inspect(titles))
end)

check("quick fix 'Remove duplicate paragraph' removes the copy", function()
  vim.api.nvim_win_set_cursor(0, { second_copy, 3 })
  vim.lsp.buf.code_action({
    filter = function(action)
      return action.title == "Remove duplicate paragraph"
    end,
    apply = true,
  })
  local text
  wait_for(5000, "the edit", function()
    text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
    return select(2, text:gsub(vim.pesc(dup_text), "")) == 1
  end)
  for para in pairs(paragraphs) do
    if not text:find(para, 1, true) then
      error("the fix removed other text: " .. para:sub(1, 40))
    end
  end
  if text:find("\n%s*\n%s*\n") then
    error("the fix left a double blank line")
  end
  assert_eq(vim.api.nvim_buf_line_count(buf), #draft_lines - 2, "line count (copy and its blank line gone)")
  wait_for(10000, "the warning to go away", function()
    return #dup_diagnostics() == 0
  end)
  return ("%d lines left, warning cleared"):format(vim.api.nvim_buf_line_count(buf))
end)

check("near-duplicate-paragraph warning on an edited copy", function()
  local near_src = vim.fs.joinpath(fixtures, "near-duplicate.md")
  local near_lines = vim.fn.readfile(near_src)
  local near = vim.fs.joinpath(nested, "near-duplicate.md")
  vim.fn.writefile(near_lines, near)
  vim.cmd.edit(vim.fn.fnameescape(near))
  local nbuf = vim.api.nvim_get_current_buf()
  local function near_diags()
    return vim.tbl_filter(function(d)
      return d.source == "copydesk" and d.code == "near-duplicate-paragraph"
    end, vim.diagnostic.get(nbuf))
  end
  wait_for(15000, "a near-duplicate-paragraph diagnostic", function()
    return #near_diags() > 0
  end)
  local d = near_diags()[1]
  -- The edited copy is the last paragraph; the original is the one it rewords.
  local last = #near_lines
  while not near_lines[last]:match("%S") do
    last = last - 1
  end
  assert_eq(d.lnum + 1, last, "line of the diagnostic")
  local pct, line = d.message:match("^Near%-duplicate %((%d+)%% similar%) of the paragraph at line (%d+)")
  if not pct then
    error(("unexpected message %q"):format(d.message))
  end
  if not near_lines[tonumber(line)]:find("The council said", 1, true) then
    error(("points at line %s, which is not the original paragraph"):format(line))
  end
  return d.message
end)

watchdog:stop()
finish()
