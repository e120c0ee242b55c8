;;; test.el --- batch test: copydesk diagnostics reach Flymake through Eglot  -*- lexical-binding: t; -*-
;; emacs --batch -Q -L . -l test.el   (COPYDESK_BIN must point at the server)

(require 'package)
;; Debian's elpa-* packages live here; -Q does not activate them.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir t))
(require 'cl-lib)
(require 'flymake)
(require 'copydesk)

(defvar copydesk-test-failed 0)
(defvar copydesk-test-passed 0)

(defun copydesk-test-record (ok name detail)
  (if ok (cl-incf copydesk-test-passed) (cl-incf copydesk-test-failed))
  (princ (format "%s %s%s\n" (if ok "ok  " "FAIL") name
                 (if detail (concat " - " detail) ""))))

(defun copydesk-test-wait (seconds pred)
  "Run the event loop until PRED is non-nil or SECONDS pass."
  (let ((deadline (+ (float-time) seconds)) result)
    (while (and (not (setq result (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    result))

(let* ((here (file-name-directory (or load-file-name buffer-file-name)))
       (fixture (expand-file-name "../fixtures/draft.md" here))
       (workspace (make-temp-file "copydesk-emacs-" t))
       (draft (expand-file-name "draft.md" workspace))
       (eglot-sync-connect 10)
       (eglot-connect-timeout 20)
       (flymake-no-changes-timeout 0.2))
  (copy-file fixture draft)
  (with-temp-file (expand-file-name "copydesk.toml" workspace) (insert "# root\n"))
  (find-file draft)
  (text-mode)
  (condition-case err
      (progn
        (eglot-ensure)
        ;; eglot-ensure connects from post-command-hook; run it by hand in batch.
        (run-hooks 'post-command-hook)
        (let ((server (copydesk-test-wait 20 (lambda () (eglot-current-server)))))
          (copydesk-test-record server "eglot connects to copydesk"
                                (and server (format "%s" (eglot--server-info server))))
          (when server
            (flymake-start)
            (let ((diag (copydesk-test-wait
                         20 (lambda ()
                              (flymake-start)
                              (cl-find-if (lambda (d)
                                            (string-match-p "Duplicate of the paragraph at line 5"
                                                            (flymake-diagnostic-text d)))
                                          (flymake-diagnostics))))))
              (copydesk-test-record
               (and diag (= 13 (line-number-at-pos (flymake-diagnostic-beg diag)))
                    (eq (flymake-diagnostic-type diag) 'eglot-warning))
               "Flymake shows the duplicate-paragraph warning on line 13"
               (if diag
                   (format "line %d, %s: %s" (line-number-at-pos (flymake-diagnostic-beg diag))
                           (flymake-diagnostic-type diag) (flymake-diagnostic-text diag))
                 (format "diagnostics: %S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))))))
          (when server (ignore-errors (eglot-shutdown server)))))
    (error (copydesk-test-record nil "test harness" (error-message-string err))))
  (delete-directory workspace t)
  (princ (format "emacs: %d passed, %d failed\n" copydesk-test-passed copydesk-test-failed))
  (kill-emacs (if (or (> copydesk-test-failed 0) (= copydesk-test-passed 0)) 1 0)))
