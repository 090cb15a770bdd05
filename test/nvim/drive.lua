-- Drives the TLS Lens language server from Neovim's built-in LSP client (0.7+), headless.
-- Run by test/nvim/neovim.test.ts:
--   nvim --headless --clean -n -i NONE -c "luafile test/nvim/drive.lua"
-- Inputs come from the environment; results go to TLS_LENS_OUT as one JSON object per
-- line ({"event": ...}). Exits with :qa! on success and :cq (status 1) on any failure.
--
--   TLS_LENS_NODE     node executable
--   TLS_LENS_SERVER   absolute path of dist/server.js
--   TLS_LENS_ROOT     workspace folder
--   TLS_LENS_NGINX    an nginx file in it with a weak ssl_protocols line
--   TLS_LENS_PEM      a PEM file with a certificate
--   TLS_LENS_TIMEOUT  milliseconds for each wait (default 15000)

local out_path = assert(os.getenv('TLS_LENS_OUT'), 'TLS_LENS_OUT is not set')
local out = assert(io.open(out_path, 'w'))

local function emit(event, fields)
  local t = fields or {}
  t.event = event
  out:write(vim.json.encode(t), '\n')
  out:flush()
end

local function env(name)
  local v = os.getenv(name)
  if v == nil or v == '' then
    error(name .. ' is not set', 0)
  end
  return v
end

local timeout = tonumber(os.getenv('TLS_LENS_TIMEOUT') or '') or 15000

-- Diagnostics as plain data (the vim.diagnostic fields the test checks).
local function plain(diags)
  local items = {}
  for _, d in ipairs(diags) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(items, {
      code = d.code or lsp.code,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      source = d.source,
      message = d.message,
      has_fix_data = lsp.data ~= nil and lsp.data.fixes ~= nil,
    })
  end
  return items
end

local function has_code(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local c = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if c == code then
      return true
    end
  end
  return false
end

-- The single response of our client to a synchronous request.
local function request(buf, client_id, method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, timeout)
  if not responses then
    error(method .. ' failed: ' .. tostring(err), 0)
  end
  local r = responses[client_id]
  if not r then
    error(method .. ': no response from the TLS Lens client', 0)
  end
  if r.err or r.error then
    error(method .. ' returned an error: ' .. vim.inspect(r.err or r.error), 0)
  end
  return r.result
end

local function open(path, filetype, client_id)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = filetype
  if not vim.lsp.buf_attach_client(buf, client_id) then
    error('could not attach ' .. path, 0)
  end
  return buf
end

local exit_status

local function run()
  local node = env('TLS_LENS_NODE')
  local server = env('TLS_LENS_SERVER')
  local root = env('TLS_LENS_ROOT')
  local nginx = env('TLS_LENS_NGINX')
  local pem = env('TLS_LENS_PEM')

  local client_id = vim.lsp.start_client({
    name = 'tls-lens',
    cmd = { node, server, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'fixtures' } },
    -- Answered to the server's workspace/configuration requests (section "tlsLens").
    settings = { tlsLens = { profile = 'intermediate', lintDelayMs = 50 } },
    on_exit = function(code, signal)
      exit_status = { code = code, signal = signal }
    end,
  })
  if not client_id then
    error('vim.lsp.start_client failed', 0)
  end

  -- 1. Diagnostics for an nginx buffer.
  local nbuf = open(nginx, 'nginx', client_id)
  if not vim.wait(timeout, function() return has_code(nbuf, 'nginx/weak-protocol') end, 10) then
    error('no nginx/weak-protocol diagnostic within ' .. timeout .. ' ms; got ' .. vim.inspect(vim.diagnostic.get(nbuf)), 0)
  end
  local client = vim.lsp.get_client_by_id(client_id)
  local caps = client.server_capabilities or client.resolved_capabilities or {}
  emit('server', {
    pid = client.rpc and client.rpc.pid,
    hover = caps.hoverProvider == true or caps.hover == true,
    code_action = caps.codeActionProvider ~= nil and caps.codeActionProvider ~= false,
  })
  emit('diagnostics', { file = nginx, items = plain(vim.diagnostic.get(nbuf)) })

  -- 2. No hover outside a PEM block or a directive name (the indentation before "listen").
  emit('hover-outside', { result = request(nbuf, client_id, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(nbuf) },
    position = { line = 1, character = 0 },
  }) })

  -- 3. The quick fix, through Neovim's own diagnostic → LSP conversion (data survives the round trip).
  local weak_line
  for _, d in ipairs(vim.diagnostic.get(nbuf)) do
    if d.code == 'nginx/weak-protocol' then
      weak_line = d.lnum
      break
    end
  end
  local line_diags = vim.lsp.diagnostic.get_line_diagnostics(nbuf, weak_line, {}, client_id)
  local actions = request(nbuf, client_id, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(nbuf) },
    range = line_diags[1].range,
    context = { diagnostics = line_diags, only = { 'quickfix' } },
  }) or {}
  local titles = {}
  for _, a in ipairs(actions) do
    table.insert(titles, { title = a.title, kind = a.kind, preferred = a.isPreferred })
  end
  emit('code-actions', { line = weak_line, actions = titles })
  if not actions[1] or not actions[1].edit then
    error('no quick fix with an edit for line ' .. tostring(weak_line), 0)
  end
  -- Applying it edits the buffer; Neovim sends an incremental didChange and the server re-lints.
  vim.lsp.util.apply_workspace_edit(actions[1].edit, 'utf-16')
  local fixed_line = vim.api.nvim_buf_get_lines(nbuf, weak_line, weak_line + 1, true)[1]
  if not vim.wait(timeout, function() return not has_code(nbuf, 'nginx/weak-protocol') end, 10) then
    error('diagnostics not cleared after the quick fix; got ' .. vim.inspect(vim.diagnostic.get(nbuf)), 0)
  end
  emit('after-fix', { line = fixed_line, items = plain(vim.diagnostic.get(nbuf)) })

  -- 4. Hover on a certificate.
  local pbuf = open(pem, 'pem', client_id)
  local hover = request(pbuf, client_id, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(pbuf) },
    position = { line = 1, character = 4 },
  })
  emit('hover', { result = hover })

  -- 5. Stop the server the way Neovim does (shutdown, exit) and record how it ended.
  vim.lsp.stop_client(client_id)
  if not vim.wait(timeout, function() return exit_status ~= nil end, 10) then
    error('the server did not exit within ' .. timeout .. ' ms after shutdown', 0)
  end
  emit('exit', exit_status)
end

local ok, err = xpcall(run, debug.traceback)
if ok then
  emit('done')
  out:close()
  vim.cmd('qa!')
else
  emit('error', { message = tostring(err) })
  out:close()
  vim.cmd('cq')
end
