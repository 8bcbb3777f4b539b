package harness

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// orphanEnv makes this test binary act as a test process that starts a child the harness way and
// then hangs until it is killed, as `go test` does on its -timeout.
const orphanEnv = "HARNESS_TEST_ORPHAN_PARENT"

func TestMain(m *testing.M) {
	if os.Getenv(orphanEnv) == "1" {
		child := dieWithParent(exec.Command("sleep", "600"))
		if err := child.Start(); err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		fmt.Println(child.Process.Pid)
		select {}
	}
	os.Exit(m.Run())
}

// A child started by the harness dies with the test process, even when that is SIGKILLed and no
// Close runs (a `go test` past its -timeout): nothing is left listening after CI.
func TestChildDiesWithKilledParent(t *testing.T) {
	parent := exec.Command(os.Args[0], "-test.run=^$")
	parent.Env = append(os.Environ(), orphanEnv+"=1")
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("parent printed no child pid: %v", err)
	}
	pid, err := strconv.Atoi(line[:len(line)-1])
	if err != nil {
		t.Fatalf("parent: %q", line)
	}
	alive := func() bool { return syscall.Kill(pid, 0) == nil }
	if !alive() {
		t.Fatalf("child %d is not running before its parent dies", pid)
	}
	_ = parent.Process.Kill()
	_ = parent.Wait()
	// The sleep is reparented and reaped by init once killed; poll for it to be gone (the kernel
	// signals at once; the loop only allows for scheduling).
	for i := 0; i < 100 && alive(); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if alive() {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("child %d outlived its killed parent", pid)
	}
}
