-- Driven by tests/nvim_quickfix.rs (`neovim_plugin_attaches_to_every_real_file_once_per_project`).
--
-- Opens, through setup()'s autocommands only: two files of one repository (one with no
-- filetype at all), a file of a second repository, and a scratch buffer. Records which keyward
-- client each buffer got and the diagnostics of the file without a filetype, as JSON in
-- $KEYWARD_TEST_OUT. Inputs: KEYWARD_TEST_PLUGIN, KEYWARD_TEST_BIN, KEYWARD_TEST_OUT,
-- KEYWARD_TEST_WAIT_MS, KEYWARD_TEST_FILES (the three paths, separated by newlines).

local WAIT_MS = tonumber(vim.env.KEYWARD_TEST_WAIT_MS or "") or 20000
local result = { stage = "start", notifications = {} }

local function write_result()
  local file = assert(io.open(vim.env.KEYWARD_TEST_OUT, "w"))
  file:write(vim.fn.json_encode(result))
  file:close()
end

local function fail(message)
  result.error = message
  pcall(write_result)
  vim.cmd("cquit 2")
end

local default_notify = vim.notify
vim.notify = function(message, level, opts)
  table.insert(result.notifications, tostring(message))
  return default_notify(message, level, opts)
end

local function run()
  vim.opt.runtimepath:prepend(vim.env.KEYWARD_TEST_PLUGIN)
  require("keyward").setup({ cmd = { vim.env.KEYWARD_TEST_BIN, "lsp" } })
  local compat = require("keyward.compat")

  local paths = vim.split(vim.env.KEYWARD_TEST_FILES, "\n", { plain = true })
  local buffers = {}
  for _, path in ipairs(paths) do
    vim.cmd("edit " .. vim.fn.fnameescape(path))
    table.insert(buffers, vim.api.nvim_get_current_buf())
  end
  vim.cmd("enew")
  vim.bo.buftype = "nofile"
  local scratch = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(scratch, 0, -1, false, vim.api.nvim_buf_get_lines(buffers[2], 0, -1, false))

  result.stage = "attach"
  local all_attached = vim.wait(WAIT_MS, function()
    for _, bufnr in ipairs(buffers) do
      if not compat.keyward_client(bufnr) then
        return false
      end
    end
    return true
  end, 20)

  result.files = {}
  for i, bufnr in ipairs(buffers) do
    local client = compat.keyward_client(bufnr)
    result.files[i] = {
      path = paths[i],
      filetype = vim.bo[bufnr].filetype,
      client = client and client.id or vim.NIL,
      root = client and client.config.root_dir or vim.NIL,
    }
  end
  if not all_attached then
    return fail("not every file buffer got a keyward client")
  end

  -- The file without a filetype is scanned like any other.
  result.stage = "diagnostic"
  local plain = buffers[2]
  vim.wait(WAIT_MS, function()
    return #vim.diagnostic.get(plain) > 0
  end, 20)
  result.plain_diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(plain)) do
    table.insert(result.plain_diagnostics, { source = d.source, lnum = d.lnum })
  end

  -- Give a late attach to the scratch buffer every chance to happen before checking.
  vim.wait(300, function()
    return false
  end, 20)
  result.scratch_client = compat.keyward_client(scratch) and true or false
  result.client_count = #compat.keyward_clients()

  result.stage = "done"
  write_result()
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
  fail("Lua error: " .. tostring(err))
end
