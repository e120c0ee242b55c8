-- Commands for the copydesk language server. The server itself is started
-- by require("copydesk").setup({...}); see editors/nvim/README.md.
if vim.g.loaded_copydesk then
  return
end
vim.g.loaded_copydesk = true

vim.api.nvim_create_user_command("CopydeskRestart", function()
  require("copydesk").restart()
end, { desc = "Restart the copydesk language server" })

vim.api.nvim_create_user_command("CopydeskCodeLens", function()
  vim.lsp.codelens.run()
end, { desc = "Run the copydesk code lens on the current line (list that speaker's quotes)" })
