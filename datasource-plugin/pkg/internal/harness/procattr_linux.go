package harness

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill cmd's process when the process that started it dies, also
// when that is a `go test` killed on its -timeout (no deferred Close runs then). Linux's
// PR_SET_PDEATHSIG, set by Go's os/exec through SysProcAttr.Pdeathsig.
func dieWithParent(cmd *exec.Cmd) *exec.Cmd {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	return cmd
}
