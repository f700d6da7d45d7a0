-- The few Neovim LSP calls whose shape changed between 0.7 and 0.11, behind one name each.
local M = {}

local NAME = "keyward"

-- Neovim 0.11 made client functions methods (`client:request(...)`) and deprecated the
-- closure style (`client.request(...)`) that 0.7–0.10 have.
local METHOD_STYLE = vim.fn.has("nvim-0.11") == 1

local function call(client, name, ...)
  if METHOD_STYLE then
    return client[name](client, ...)
  end
  return client[name](...)
end

function M.request(client, method, params, handler, bufnr)
  return call(client, "request", method, params, handler, bufnr)
end

function M.notify(client, method, params)
  return call(client, "notify", method, params)
end

function M.stop(client)
  return call(client, "stop")
end

function M.is_stopped(client)
  return call(client, "is_stopped")
end

--- Every running keyward client (`get_clients` is 0.10+, `get_active_clients` before it).
function M.keyward_clients()
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  local out = {}
  for _, client in ipairs(all) do
    if client.name == NAME then
      table.insert(out, client)
    end
  end
  return out
end

--- The keyward client attached to a buffer, if any.
function M.keyward_client(bufnr)
  for _, client in ipairs(M.keyward_clients()) do
    if vim.lsp.buf_is_attached(bufnr, client.id) then
      return client
    end
  end
  return nil
end

--- keyward's diagnostics on a line, in LSP form, for a code-action request's context.
function M.line_diagnostics(bufnr, lnum, client)
  local namespace = vim.lsp.diagnostic.get_namespace(client.id)
  local diagnostics = vim.diagnostic.get(bufnr, { lnum = lnum, namespace = namespace })
  if vim.lsp.diagnostic.from then
    -- 0.10+: keeps the server's original diagnostic (range, code, data) exactly.
    return vim.lsp.diagnostic.from(diagnostics)
  end
  -- 0.7–0.9.
  return vim.lsp.diagnostic.get_line_diagnostics(bufnr, lnum, nil, client.id)
end

return M
