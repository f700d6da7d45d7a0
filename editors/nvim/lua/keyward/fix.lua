-- :KeywardFix — asks the keyward server for its quick-fixes on the cursor line (or a range) and
-- applies one. Only keyward's client is asked, so other servers' actions never mix in.
--
-- A quick-fix may carry an edit, a command, or both (edit first, as the LSP spec says). A command
-- runs on the server (`workspace/executeCommand`), which stores the secret first and then sends
-- `workspace/applyEdit`; Neovim's built-in handler applies that edit to the buffers.
local compat = require("keyward.compat")
-- `vim.uv` since 0.10; `vim.loop` before.
local uv = vim.uv or vim.loop

local M = {}

-- :KeywardFix <kind> picks the action whose title starts with this text.
local KINDS = {
  env = "Move to environment variable",
  vault = "Move to Vault",
  ["false-positive"] = "Mark as false positive",
  baseline = "Add to baseline",
}

function M.kinds()
  local names = vim.tbl_keys(KINDS)
  table.sort(names)
  return names
end

local function notify(message, level)
  vim.notify("keyward: " .. message, level or vim.log.levels.INFO)
end

local function starts_with(text, prefix)
  return text:sub(1, #prefix) == prefix
end

local function execute_command(client, command, bufnr)
  compat.request(client, "workspace/executeCommand", {
    command = command.command,
    arguments = command.arguments,
  }, function(err)
    if err then
      notify(command.title .. " failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
  end, bufnr)
end

local function apply(client, action, bufnr)
  -- A bare Command in place of a CodeAction.
  if type(action.command) == "string" then
    execute_command(client, action, bufnr)
    return
  end
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end
  if action.command then
    execute_command(client, action.command, bufnr)
  end
end

local function resolve_and_apply(client, action, bufnr)
  local provider = client.server_capabilities and client.server_capabilities.codeActionProvider
  local can_resolve = type(provider) == "table" and provider.resolveProvider
  if action.edit or action.command or not can_resolve then
    apply(client, action, bufnr)
    return
  end
  compat.request(client, "codeAction/resolve", action, function(err, resolved)
    if err or not resolved then
      notify("could not resolve " .. action.title .. ": " .. (err and err.message or "no result"), vim.log.levels.ERROR)
      return
    end
    apply(client, resolved, bufnr)
  end, bufnr)
end

-- The server lists a fix it cannot apply here (a partial string, an unsaved buffer, …) as
-- `disabled` with the reason, for clients that advertise support (newer Neovim does).
local function disabled_reason(action)
  return type(action.disabled) == "table" and (action.disabled.reason or "not available") or nil
end

local function choose(client, actions, kind, bufnr)
  local enabled = {}
  for _, action in ipairs(actions) do
    if kind and starts_with(action.title, KINDS[kind] or kind) then
      local reason = disabled_reason(action)
      if reason then
        notify(action.title .. ": " .. reason, vim.log.levels.WARN)
      else
        resolve_and_apply(client, action, bufnr)
      end
      return
    end
    if not disabled_reason(action) then
      table.insert(enabled, action)
    end
  end
  if kind then
    notify("no '" .. (KINDS[kind] or kind) .. "' fix here", vim.log.levels.WARN)
    return
  end
  if #enabled == 0 then
    local reasons = {}
    for _, action in ipairs(actions) do
      table.insert(reasons, action.title .. ": " .. disabled_reason(action))
    end
    notify("no fix applies here (" .. table.concat(reasons, "; ") .. ")", vim.log.levels.WARN)
    return
  end
  if #enabled == 1 then
    resolve_and_apply(client, enabled[1], bufnr)
    return
  end
  vim.ui.select(enabled, {
    prompt = "keyward fix:",
    format_item = function(action)
      return action.title
    end,
  }, function(action)
    if action then
      resolve_and_apply(client, action, bufnr)
    end
  end)
end

--- Options: kind (a key of KINDS or a title prefix), bufnr, line (0-based; default the cursor
--- line), timeout_ms. Asynchronous: returns at once, the fix lands when the server answers.
function M.run(opts)
  opts = opts or {}
  local bufnr = (opts.bufnr == nil or opts.bufnr == 0) and vim.api.nvim_get_current_buf() or opts.bufnr
  local client = compat.keyward_client(bufnr)
  if not client then
    notify("no keyward server is attached to this buffer", vim.log.levels.WARN)
    return
  end
  local line = opts.line or (vim.api.nvim_win_get_cursor(0)[1] - 1)
  local text = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1] or ""

  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    -- The whole line; byte length is at least the UTF-16 length, and servers clamp.
    range = { start = { line = line, character = 0 }, ["end"] = { line = line, character = #text } },
    -- No `only` filter: every action keyward offers on the line is one of its fixes.
    context = { diagnostics = compat.line_diagnostics(bufnr, line, client) },
  }

  local done = false
  local timer = uv.new_timer()
  timer:start(opts.timeout_ms or 5000, 0, vim.schedule_wrap(function()
    timer:close()
    if not done then
      done = true
      notify("the server did not answer in time", vim.log.levels.WARN)
    end
  end))

  compat.request(client, "textDocument/codeAction", params, function(err, result)
    if done then
      return
    end
    done = true
    if err then
      notify("code actions failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    if not result or vim.tbl_isempty(result) then
      notify("no fix for this line", vim.log.levels.WARN)
      return
    end
    choose(client, result, opts.kind, bufnr)
  end, bufnr)
end

return M
