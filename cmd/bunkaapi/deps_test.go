package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLinksNoModelCode checks that the API binary stays lean: it validates
// and queues jobs, and must not link the numeric core or the model runtimes
// (storage depends on data, never on computation).
func TestLinksNoModelCode(t *testing.T) {
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the binary's packages: %v", err)
	}
	out, err := exec.Command(gocmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	const module = "github.com/bunkatopics/bunka-go/"
	forbidden := []string{"pipeline", "umap", "knn", "lsa", "terms", "topics", "cluster", "onnx", "llm", "wordpiece", "engine", "cuda", "embedchoice"}
	deps := strings.Fields(string(out))
	if len(deps) < 2 {
		t.Fatalf("go list -deps printed %q", out)
	}
	for _, d := range deps {
		for _, f := range forbidden {
			if p := module + "internal/" + f; d == p || strings.HasPrefix(d, p+"/") {
				t.Errorf("cmd/bunkaapi links %s", d)
			}
		}
	}
}
