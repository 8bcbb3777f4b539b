//go:build !linux

package harness

import "os/exec"

// dieWithParent is Linux-only (PR_SET_PDEATHSIG); elsewhere a test killed on its timeout can
// leave its simulator and plugin processes behind.
func dieWithParent(cmd *exec.Cmd) *exec.Cmd { return cmd }
