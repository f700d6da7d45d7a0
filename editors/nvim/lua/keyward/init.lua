-- keyward for Neovim: runs `keyward lsp` for every buffer that holds a real file, whatever its
-- filetype (a secret can sit in any file), and adds :KeywardFix to apply keyward's quick-fixes.
--
-- Works on Neovim 0.7 through 0.11. The two ways of starting a client are chosen by feature
-- detection: `vim.lsp.start` (0.8+) reuses one client per root directory by itself; on 0.7 this
-- module keeps that map and calls `vim.lsp.start_client` + `vim.lsp.buf_attach_client`.
local compat = require("keyward.compat")
-- `vim.uv` since 0.10; `vim.loop` before.
local uv = vim.uv or vim.loop

local M = {}

local NAME = "keyward"

--- Defaults; `setup(opts)` merges over these.
M.defaults = {
  -- The server command. `KEYWARD_PATH` in the environment names the binary, as in VS Code.
  cmd = { (vim.env.KEYWARD_PATH ~= nil and vim.env.KEYWARD_PATH ~= "") and vim.env.KEYWARD_PATH or "keyward", "lsp" },
  -- Extra environment for the server process, e.g. { BAO_ADDR = "https://bao.example:8200" }.
  cmd_env = nil,
  -- The nearest parent directory holding one of these is the project root (one server per root);
  -- a file outside any project gets its own directory as root.
  root_markers = { ".keyward.toml", ".git" },
  -- Sent as `initializationOptions` and again as `workspace/didChangeConfiguration` settings
  -- (keys: src/lsp/README.md in the keyward repository). Leave a key out (nil) to get the
  -- server's fallback: `.keyward.toml`, then BAO_ADDR/VAULT_ADDR, then built-in defaults. Keep the
  -- Vault token out of your config: the server reads BAO_TOKEN/VAULT_TOKEN or ~/.vault-token.
  settings = {
    envFile = nil, -- ".env"
    envExampleFile = nil, -- ".env.example"
    refsFile = nil, -- ".keyward.refs"
    offerVaultFix = nil, -- true
    kubernetesSecretName = nil, -- "{project}-secrets"
    vault = {
      address = nil,
      mount = nil, -- "secret"
      path = nil, -- "{project}"
      namespace = nil,
    },
  },
  -- Filetypes never to attach to (buffers of these types are skipped); empty: attach everywhere.
  exclude_filetypes = {},
  -- Passed through to the client config.
  on_attach = nil,
  capabilities = nil,
  -- Create the :KeywardFix, :KeywardRestart and :KeywardInfo commands.
  commands = true,
  -- How long :KeywardFix waits for the server's code actions, in milliseconds.
  timeout_ms = 5000,
}

M.config = vim.deepcopy(M.defaults)

-- On Neovim 0.7 only: root directory -> client id.
local clients_by_root = {}

local function find_root(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local current = dir
  while current and current ~= "" do
    for _, marker in ipairs(M.config.root_markers) do
      if uv.fs_stat(current .. "/" .. marker) then
        return current
      end
    end
    local parent = vim.fn.fnamemodify(current, ":h")
    if parent == current then
      break
    end
    current = parent
  end
  return dir
end

--- Whether a buffer holds a real file on disk (or one about to be created): a normal buffer with
--- a name that is neither a URI (fugitive://, oil://, …) nor a directory.
local function is_real_file(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return false
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" or name:match("^%a[%w+.-]*://") then
    return false
  end
  if vim.fn.isdirectory(name) == 1 then
    return false
  end
  return not vim.tbl_contains(M.config.exclude_filetypes, vim.bo[bufnr].filetype)
end

--- The settings as sent to the server: empty tables are dropped, because Neovim encodes an
--- empty Lua table as a JSON array, which a server expecting an object would reject.
local function wire_settings()
  local function prune(value)
    if type(value) ~= "table" then
      return value
    end
    local out = {}
    for key, item in pairs(value) do
      local pruned = prune(item)
      if pruned ~= nil then
        out[key] = pruned
      end
    end
    return next(out) ~= nil and out or nil
  end
  return prune(M.config.settings) or vim.empty_dict()
end

local function client_config(root)
  local settings = wire_settings()
  return {
    name = NAME,
    cmd = M.config.cmd,
    cmd_env = M.config.cmd_env,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = settings,
    settings = settings,
    capabilities = M.config.capabilities,
    on_attach = M.config.on_attach,
    on_init = function(client)
      -- 0.7 never sends settings by itself; newer releases send them once too, which the
      -- server handles like any other change.
      compat.notify(client, "workspace/didChangeConfiguration", { settings = settings })
    end,
  }
end

--- Starts (or reuses) the server for the buffer's project and attaches it. Does nothing for
--- buffers that are not real files, or when the buffer is already attached.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not is_real_file(bufnr) or compat.keyward_client(bufnr) then
    return
  end
  local root = find_root(vim.api.nvim_buf_get_name(bufnr))

  if vim.lsp.start then
    vim.lsp.start(client_config(root), { bufnr = bufnr })
    return
  end

  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or compat.is_stopped(client) then
    id = vim.lsp.start_client(client_config(root))
    if not id then
      vim.notify("keyward: could not start " .. table.concat(M.config.cmd, " "), vim.log.levels.ERROR)
      return
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

--- Sends new settings to every running keyward server (and keeps them for servers started later).
function M.update_settings(settings)
  M.config.settings = vim.tbl_deep_extend("force", M.config.settings or {}, settings or {})
  local wire = wire_settings()
  for _, client in ipairs(compat.keyward_clients()) do
    -- Answers to `workspace/configuration` requests come from here.
    client.config.settings = wire
    compat.notify(client, "workspace/didChangeConfiguration", { settings = wire })
  end
end

--- Stops every keyward server and attaches a fresh one to every file buffer.
function M.restart()
  for _, client in ipairs(compat.keyward_clients()) do
    compat.stop(client)
  end
  clients_by_root = {}
  -- Give the old processes a moment to exit before new ones start on the same roots.
  vim.defer_fn(function()
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) then
        M.attach(bufnr)
      end
    end
  end, 200)
end

function M.info()
  local lines = { "keyward: cmd = " .. table.concat(M.config.cmd, " ") }
  for _, client in ipairs(compat.keyward_clients()) do
    table.insert(lines, string.format("  client %d, root %s", client.id, client.config.root_dir or "?"))
  end
  if #lines == 1 then
    table.insert(lines, "  no keyward server running")
  end
  vim.notify(table.concat(lines, "\n"), vim.log.levels.INFO)
end

local function create_commands()
  vim.api.nvim_create_user_command("KeywardFix", function(args)
    require("keyward.fix").run({ kind = args.args ~= "" and args.args or nil, timeout_ms = M.config.timeout_ms })
  end, {
    nargs = "?",
    complete = function()
      return require("keyward.fix").kinds()
    end,
    desc = "Apply a keyward quick-fix to the secret on the cursor line",
  })
  vim.api.nvim_create_user_command("KeywardRestart", M.restart, { desc = "Restart the keyward language server" })
  vim.api.nvim_create_user_command("KeywardInfo", M.info, { desc = "Show the running keyward servers" })
end

--- Configures keyward and attaches it to every file buffer, now and from then on.
function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  -- Lists are replaced, not merged index by index.
  if opts and opts.cmd then
    M.config.cmd = opts.cmd
  end
  if opts and opts.root_markers then
    M.config.root_markers = opts.root_markers
  end

  local group = vim.api.nvim_create_augroup("keyward", { clear = true })
  vim.api.nvim_create_autocmd({ "BufReadPost", "BufNewFile", "BufFilePost" }, {
    group = group,
    callback = function(event)
      M.attach(event.buf)
    end,
    desc = "Attach the keyward language server",
  })
  if M.config.commands then
    create_commands()
  end

  -- Buffers opened before setup() ran (e.g. files named on the command line of a lazy start).
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      M.attach(bufnr)
    end
  end
end

return M
