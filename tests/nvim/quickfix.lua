-- Driven by tests/nvim_quickfix.rs: `nvim --headless -u NONE -i NONE -n -c "luafile <this>"`.
--
-- Loads the keyward plugin from editors/nvim, opens a file holding a fake secret, waits for
-- keyward's diagnostic, runs `:KeywardFix env` (the user's command; another kind on request),
-- waits for the fix (the server's `workspace/applyEdit`, or the action's own edit) to change the buffer, writes the buffer, and records what happened as
-- JSON in $KEYWARD_TEST_OUT for the Rust side to check. Exits with `cquit <stage>` on failure
-- so the Rust side knows where it stopped; every wait is bounded.
--
-- Inputs (environment): KEYWARD_TEST_PLUGIN (editors/nvim), KEYWARD_TEST_BIN (keyward binary),
-- KEYWARD_TEST_FILE (file to open), KEYWARD_TEST_OUT (result file), KEYWARD_TEST_WAIT_MS,
-- KEYWARD_TEST_SETTINGS (optional JSON object passed as setup({ settings = ... })),
-- KEYWARD_TEST_KIND (the :KeywardFix argument; default "env").

local WAIT_MS = tonumber(vim.env.KEYWARD_TEST_WAIT_MS or "") or 20000

local result = { stage = "start", diagnostics = {}, messages = {}, notifications = {} }

local function write_result()
  local file = assert(io.open(vim.env.KEYWARD_TEST_OUT, "w"))
  file:write(vim.fn.json_encode(result))
  file:close()
end

-- Stage numbers are the exit codes, so a failure says where it happened even without the file.
local STAGES = { setup = 2, attach = 3, diagnostic = 4, fix = 5, write = 6 }

local function fail(stage, message)
  result.stage = stage
  result.error = message
  pcall(write_result)
  vim.cmd("cquit " .. (STAGES[stage] or 1))
end

-- Whatever the server shows the user, kept for the Rust side's failure messages.
vim.lsp.handlers["window/showMessage"] = function(_, params)
  table.insert(result.messages, params.message)
end
local default_notify = vim.notify
vim.notify = function(message, level, opts)
  table.insert(result.notifications, tostring(message))
  return default_notify(message, level, opts)
end

local function keyward_diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == "keyward" then
      table.insert(out, d)
    end
  end
  return out
end

local function run()
  result.stage = "setup"
  vim.opt.runtimepath:prepend(vim.env.KEYWARD_TEST_PLUGIN)
  local keyward = require("keyward")
  local opts = { cmd = { vim.env.KEYWARD_TEST_BIN, "lsp" } }
  if vim.env.KEYWARD_TEST_SETTINGS and vim.env.KEYWARD_TEST_SETTINGS ~= "" then
    opts.settings = vim.fn.json_decode(vim.env.KEYWARD_TEST_SETTINGS)
  end
  keyward.setup(opts)
  if vim.fn.exists(":KeywardFix") ~= 2 then
    return fail("setup", ":KeywardFix was not created by setup()")
  end

  -- The autocommand from setup() must attach the server; the test does not attach by hand.
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.KEYWARD_TEST_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  local compat = require("keyward.compat")

  result.stage = "attach"
  if not vim.wait(WAIT_MS, function()
    local client = compat.keyward_client(bufnr)
    return client ~= nil and client.initialized ~= false
  end, 20) then
    return fail("attach", "no keyward client attached to the buffer")
  end
  result.client_count = #compat.keyward_clients()

  result.stage = "diagnostic"
  if not vim.wait(WAIT_MS, function()
    return #keyward_diagnostics(bufnr) > 0
  end, 20) then
    return fail("diagnostic", "no keyward diagnostic arrived")
  end
  for _, d in ipairs(keyward_diagnostics(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(result.diagnostics, {
      lnum = d.lnum,
      col = d.col,
      end_col = d.end_col,
      severity = d.severity,
      code = code,
      message = d.message,
    })
  end

  result.stage = "fix"
  local target = keyward_diagnostics(bufnr)[1]
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local before = vim.api.nvim_buf_get_lines(bufnr, target.lnum, target.lnum + 1, false)[1]
  local kind = (vim.env.KEYWARD_TEST_KIND or "") ~= "" and vim.env.KEYWARD_TEST_KIND or "env"
  vim.cmd("KeywardFix " .. kind)
  -- The fix is asynchronous: code action -> executeCommand -> server stores the value ->
  -- workspace/applyEdit. Done once the secret's line has changed.
  if not vim.wait(WAIT_MS, function()
    if vim.api.nvim_buf_get_changedtick(bufnr) == tick then
      return false
    end
    local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    return not vim.tbl_contains(lines, before)
  end, 20) then
    return fail("fix", "the buffer did not change after :KeywardFix " .. kind)
  end
  -- Let the server re-scan the edited buffer and clear the diagnostic.
  vim.wait(WAIT_MS, function()
    return #keyward_diagnostics(bufnr) == 0
  end, 20)
  result.diagnostics_after_fix = #keyward_diagnostics(bufnr)

  result.stage = "write"
  local ok, err = pcall(vim.cmd, "silent wall")
  if not ok then
    return fail("write", "could not write the buffers: " .. tostring(err))
  end
  result.buffer = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  result.stage = "done"
  write_result()
  -- Stop the server cleanly so it can flush, then leave.
  for _, client in ipairs(compat.keyward_clients()) do
    compat.stop(client)
  end
  vim.wait(2000, function()
    return #compat.keyward_clients() == 0
  end, 20)
  vim.cmd("qall!")
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  fail(result.stage, "Lua error: " .. tostring(err))
end
