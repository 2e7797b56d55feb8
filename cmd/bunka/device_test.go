package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/cuda"
	"github.com/bunkatopics/bunka-go/internal/device"
)

func TestDeviceFlag(t *testing.T) {
	for _, tc := range []struct {
		desc    string
		args    []string
		env     string // BUNKA_DEVICE; "-" unset
		want    device.Device
		wantErr string
	}{
		{desc: "neither: auto", env: "-", want: device.Auto},
		{desc: "flag", args: []string{"--device", "cpu"}, env: "-", want: device.CPU},
		{desc: "flag, any case", args: []string{"--device", " CUDA "}, env: "-", want: device.CUDA},
		{desc: "environment", env: "cuda", want: device.CUDA},
		{desc: "the flag wins", args: []string{"--device", "cpu"}, env: "cuda", want: device.CPU},
		{desc: "bad flag", args: []string{"--device", "gpu"}, env: "-", wantErr: `--device: device "gpu": want auto, cpu or cuda`},
		{desc: "bad environment", env: "tpu", wantErr: "BUNKA_DEVICE"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			f := deviceFlag(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			lookup := func(k string) (string, bool) {
				if k == "BUNKA_DEVICE" && tc.env != "-" {
					return tc.env, true
				}
				return "", false
			}
			got, err := f.device(lookup)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("device = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestProjectDevice: --device chooses the backends of bunka project, the
// report names the device, and the choice is logged with its reason.
func TestProjectDevice(t *testing.T) {
	in := writeNPY(t, [][]float32{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {5, 5}, {5, 6}, {6, 5}, {6, 6}})
	out := filepath.Join(t.TempDir(), "c.csv")
	var stdout, stderr bytes.Buffer
	if err := project(context.Background(), []string{"--in", in, "--out", out, "--neighbors", "3", "--epochs", "10", "--device", "cpu"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v (stderr %s)", err, stderr.String())
	}
	var rep projectReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.DeviceKNN != "cpu" || rep.DeviceLayout != "cpu" {
		t.Errorf("report devices %q, %q, want cpu", rep.DeviceKNN, rep.DeviceLayout)
	}
	for _, s := range []string{"knn", "layout"} {
		if want := `msg="device chosen" stage=` + s + ` device=cpu why="BUNKA_DEVICE=cpu"`; !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %s:\n%s", want, stderr.String())
		}
	}
	if cuda.Built {
		return // the GPU tests cover a build with the cuda tag
	}
	err := project(context.Background(), []string{"--in", in, "--out", out, "--device", "cuda"}, &stdout, &stderr)
	for _, want := range []string{"no usable GPU", "built without CUDA", "make gpu"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--device cuda: err = %v, want one saying %q", err, want)
		}
	}
	t.Setenv("BUNKA_DEVICE", "cuda")
	if err := project(context.Background(), []string{"--in", in, "--out", out}, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "no usable GPU") {
		t.Errorf("BUNKA_DEVICE=cuda: err = %v, want no usable GPU", err)
	}
}

// TestTopicsDevice: bunka topics takes --device, for its embedder and its
// numeric stages; cuda without a GPU stops it with the reason.
func TestTopicsDevice(t *testing.T) {
	csvPath, _ := writeCorpus(t)
	var stdout, stderr bytes.Buffer
	err := topicsCmd(context.Background(), []string{"--csv", csvPath, "--device", "gpu"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "--device") {
		t.Errorf("--device gpu: err = %v", err)
	}
	if cuda.Built {
		return
	}
	err = topicsCmd(context.Background(), []string{"--csv", csvPath, "--device", "cuda", "--n-clusters", "2"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "no usable GPU") || !strings.Contains(err.Error(), "built without CUDA") {
		t.Errorf("--device cuda: err = %v, want no usable GPU, built without CUDA", err)
	}
}
