;;; copydesk.el --- Use the copydesk language server through Eglot  -*- lexical-binding: t; -*-

;; Put this file on your `load-path' and add to your init file:
;;
;;   (require 'copydesk)
;;   (add-hook 'markdown-mode-hook #'eglot-ensure)   ; and/or text-mode-hook
;;
;; Diagnostics (duplicate and near-duplicate paragraphs, quote problems)
;; appear through Flymake; quick fixes through `eglot-code-actions'; hovers
;; through ElDoc.  Eglot has no code lenses, so the speaker lenses are not shown.

;;; Code:

(require 'eglot)

(defgroup copydesk nil
  "The copydesk language server for news drafts."
  :group 'tools
  :prefix "copydesk-")

(defcustom copydesk-server-command
  (list (or (getenv "COPYDESK_BIN") "copydesk") "lsp")
  "Command line that starts the copydesk language server."
  :type '(repeat string))

(defcustom copydesk-modes '(markdown-mode gfm-mode text-mode)
  "Major modes in which Eglot should use copydesk."
  :type '(repeat symbol))

(defcustom copydesk-settings
  '(:duplicates (:enabled t :nearThreshold 0.65 :minWords 6)
    :quotes (:unattributed t :unbalanced t))
  "Server settings: sent as initializationOptions and as the `copydesk'
section of the workspace configuration."
  :type 'plist)

(defclass copydesk-eglot-server (eglot-lsp-server) ()
  :documentation "The copydesk language server.")

(cl-defmethod eglot-initialization-options ((_server copydesk-eglot-server))
  copydesk-settings)

(defun copydesk-workspace-configuration (&optional _server)
  "The `workspace/didChangeConfiguration' settings for copydesk."
  (list :copydesk copydesk-settings))

(defun copydesk-register ()
  "Tell Eglot to start copydesk for `copydesk-modes'."
  (add-to-list 'eglot-server-programs
               (cons copydesk-modes
                     (cons 'copydesk-eglot-server copydesk-server-command)))
  ;; Only add our section; keep whatever else the user configured.
  (setq-default eglot-workspace-configuration
                (if (functionp eglot-workspace-configuration)
                    eglot-workspace-configuration
                  (append (copydesk-workspace-configuration)
                          (cl-loop for (k v) on eglot-workspace-configuration by #'cddr
                                   unless (eq k :copydesk) append (list k v))))))

(copydesk-register)

(provide 'copydesk)
;;; copydesk.el ends here
