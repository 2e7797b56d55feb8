package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/cluster"
	"github.com/bunkatopics/bunka-go/internal/cuda"
	"github.com/bunkatopics/bunka-go/internal/device"
	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/testenv"
	"github.com/bunkatopics/bunka-go/internal/umap"
)

// fakeGPU stands in for internal/cuda's GPU: its backends are the CPU's,
// and it counts Close.
type fakeGPU struct{ closed int }

func (g *fakeGPU) Name() string                 { return "Fake GPU 9000" }
func (g *fakeGPU) Searcher() knn.Searcher       { return knn.ExactSearcher }
func (g *fakeGPU) Layout() umap.Optimizer       { return umap.CPULayout{Phases: 3} }
func (g *fakeGPU) Clusterer() cluster.Clusterer { return cluster.CPU }
func (g *fakeGPU) Close() error                 { g.closed++; return nil }

// clusterOnly is a GPU with only k-means: a build whose other stages have
// no GPU version.
type clusterOnly struct{ closed int }

func (g *clusterOnly) Name() string                 { return "Fake GPU 10" }
func (g *clusterOnly) Clusterer() cluster.Clusterer { return cluster.CPU }
func (g *clusterOnly) Close() error                 { g.closed++; return nil }

var errNoGPU = errors.New("cuda: no CUDA device")

// opener returns an opener that gives g, or errNoGPU when g is nil, and
// counts its calls.
func opener(g gpu, calls *int) func() (gpu, error) {
	return func() (gpu, error) {
		*calls++
		if g == nil {
			return nil, errNoGPU
		}
		return g, nil
	}
}

func TestOpenNumeric(t *testing.T) {
	const (
		cpu  = device.CPU
		cuda = device.CUDA
	)
	for _, tc := range []struct {
		desc      string
		dev       device.Device
		gpu       gpu
		want      [3]device.Device // k-NN, layout, clustering
		wantWhy   [3]string
		wantErr   string
		wantOpens int
	}{
		{desc: "cpu: the GPU is not tried", dev: device.CPU, gpu: &fakeGPU{}, want: [3]device.Device{cpu, cpu, cpu},
			wantWhy: [3]string{"BUNKA_DEVICE=cpu", "BUNKA_DEVICE=cpu", "BUNKA_DEVICE=cpu"}},
		{desc: "auto, no GPU: the CPU, saying why", dev: device.Auto, want: [3]device.Device{cpu, cpu, cpu},
			wantWhy: [3]string{"BUNKA_DEVICE=auto and no usable GPU: cuda: no CUDA device", "BUNKA_DEVICE=auto and no usable GPU: cuda: no CUDA device", "BUNKA_DEVICE=auto and no usable GPU: cuda: no CUDA device"}, wantOpens: 1},
		{desc: "unset is auto", dev: "", want: [3]device.Device{cpu, cpu, cpu}, wantWhy: [3]string{"no usable GPU", "no usable GPU", "no usable GPU"}, wantOpens: 1},
		{desc: "auto with a GPU", dev: device.Auto, gpu: &fakeGPU{}, want: [3]device.Device{cuda, cuda, cuda},
			wantWhy: [3]string{"BUNKA_DEVICE=auto found Fake GPU 9000", "BUNKA_DEVICE=auto found Fake GPU 9000", "BUNKA_DEVICE=auto found Fake GPU 9000"}, wantOpens: 1},
		{desc: "cuda with a GPU", dev: device.CUDA, gpu: &fakeGPU{}, want: [3]device.Device{cuda, cuda, cuda},
			wantWhy: [3]string{"BUNKA_DEVICE=cuda: Fake GPU 9000", "BUNKA_DEVICE=cuda: Fake GPU 9000", "BUNKA_DEVICE=cuda: Fake GPU 9000"}, wantOpens: 1},
		{desc: "cuda with a GPU that has k-means only", dev: device.CUDA, gpu: &clusterOnly{}, want: [3]device.Device{cpu, cpu, cuda},
			wantWhy: [3]string{"no GPU version of this stage in this build", "no GPU version of this stage in this build", "BUNKA_DEVICE=cuda: Fake GPU 10"}, wantOpens: 1},
		{desc: "cuda, no GPU: a start-up error", dev: device.CUDA, wantErr: "BUNKA_DEVICE=cuda but no usable GPU: cuda: no CUDA device", wantOpens: 1},
		{desc: "unknown device", dev: "tpu", wantErr: `device "tpu"`},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			opens := 0
			log, logs := testenv.Logger(t)
			n, err := openNumeric(tc.dev, log, opener(tc.gpu, &opens))
			if opens != tc.wantOpens {
				t.Errorf("GPU opened %d times, want %d", opens, tc.wantOpens)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if tc.dev == device.CUDA && !errors.Is(err, errNoGPU) {
					t.Errorf("err = %v does not wrap the GPU's", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := [3]device.Device{n.Devices.KNN, n.Devices.Layout, n.Devices.Clustering}
			if got != tc.want || n.Devices.Embedding != "" {
				t.Errorf("devices %+v, want %v for k-NN, layout and clustering", n.Devices, tc.want)
			}
			backends := [3]bool{n.Searcher != nil, n.Layout != nil, n.Clusterer != nil}
			for i, s := range []string{StageKNN, StageLayout, StageClustering} {
				if backends[i] != (tc.want[i] == cuda) {
					t.Errorf("%s on %s: GPU backend set %v (nil means the CPU's)", s, tc.want[i], backends[i])
				}
				if tc.wantWhy[i] == "" {
					t.Fatalf("the case gives no reason to look for on the %s line", s)
				}
				line := ""
				for _, l := range strings.Split(logs.String(), "\n") {
					if strings.Contains(l, `msg="device chosen" stage=`+s+" ") {
						line = l
					}
				}
				if !strings.Contains(line, "device="+string(tc.want[i])+" ") || !strings.Contains(line, tc.wantWhy[i]) {
					t.Errorf("%s: log line %q, want device=%s and why %q", s, line, tc.want[i], tc.wantWhy[i])
				}
			}
			if err := n.Close(); err != nil {
				t.Fatal(err)
			}
			if err := n.Close(); err != nil {
				t.Fatal(err)
			}
			closed := 0
			switch g := tc.gpu.(type) {
			case *fakeGPU:
				closed = g.closed
			case *clusterOnly:
				closed = g.closed
			}
			if closed != min(tc.wantOpens, 1) && tc.gpu != nil {
				t.Errorf("GPU closed %d times, want once if opened", closed)
			}
		})
	}
}

// TestPipelineConfigDevices checks the devices a pipeline gets from
// BUNKA_DEVICE, that its release closes the GPU, and that a start-up that
// fails after the GPU opened closes it too.
func TestPipelineConfigDevices(t *testing.T) {
	t.Run("auto with a GPU", func(t *testing.T) {
		g := &fakeGPU{}
		opens := 0
		log, logs := testenv.Logger(t)
		cfg, release, err := pipelineConfig(env(map[string]string{"BUNKA_DEVICE": "auto", "BUNKA_EMBEDDER": "builtin"}), log, opener(g, &opens))
		if err != nil {
			t.Fatal(err)
		}
		d := cfg.Devices
		if d.Embedding != device.CPU || d.KNN != device.CUDA || d.Layout != device.CUDA || d.Clustering != device.CUDA {
			t.Errorf("devices %+v, want the builtin embedder on the CPU and the rest on CUDA", d)
		}
		if cfg.Searcher == nil || cfg.Layout == nil || cfg.Clusterer == nil {
			t.Error("the GPU's backends are not in the pipeline's configuration")
		}
		if !strings.Contains(logs.String(), `msg="device chosen" stage=embedding device=cpu why="BUNKA_EMBEDDER=builtin"`) {
			t.Errorf("no device line for the embedding stage:\n%s", logs)
		}
		if g.closed != 0 {
			t.Fatal("GPU closed before release")
		}
		if err := release(); err != nil {
			t.Fatal(err)
		}
		if g.closed != 1 {
			t.Errorf("release closed the GPU %d times, want 1", g.closed)
		}
	})
	t.Run("cpu", func(t *testing.T) {
		opens := 0
		log, _ := testenv.Logger(t)
		cfg, release, err := pipelineConfig(env(map[string]string{"BUNKA_DEVICE": "cpu"}), log, opener(&fakeGPU{}, &opens))
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		if opens != 0 || cfg.Searcher != nil || cfg.Layout != nil || cfg.Clusterer != nil || cfg.Devices.KNN != device.CPU {
			t.Errorf("BUNKA_DEVICE=cpu: %d GPU opens, devices %+v", opens, cfg.Devices)
		}
	})
	t.Run("embedder fails after the GPU opened", func(t *testing.T) {
		g := &fakeGPU{}
		opens := 0
		log, _ := testenv.Logger(t)
		_, _, err := pipelineConfig(env(map[string]string{"BUNKA_DEVICE": "cuda", "BUNKA_EMBEDDER": "onnx", "BUNKA_MODEL_DIR": t.TempDir()}), log, opener(g, &opens))
		if err == nil {
			t.Fatal("no error for a missing model")
		}
		if g.closed != 1 {
			t.Errorf("GPU closed %d times after the failed start, want 1", g.closed)
		}
	})
}

// TestPipelineConfigThisBuild runs the real GPU opener: in a build without
// the cuda tag (the tests' default), auto falls back to the CPU saying
// why, and cuda is a start-up error that says how to get a GPU build.
func TestPipelineConfigThisBuild(t *testing.T) {
	if cuda.Built {
		t.Skip("built with -tags cuda: the GPU tests of internal/cuda cover this build")
	}
	log, logs := testenv.Logger(t)
	cfg, release, err := PipelineConfig(env(map[string]string{"BUNKA_DEVICE": "auto"}), log)
	if err != nil {
		t.Fatal(err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if cfg.Devices.KNN != device.CPU || cfg.Devices.Layout != device.CPU || cfg.Devices.Clustering != device.CPU {
		t.Errorf("devices %+v, want the CPU", cfg.Devices)
	}
	if !strings.Contains(logs.String(), `stage=clustering device=cpu why="BUNKA_DEVICE=auto and no usable GPU: cuda: built without CUDA`) {
		t.Errorf("the fallback is not logged with its reason:\n%s", logs)
	}
	_, _, err = PipelineConfig(env(map[string]string{"BUNKA_DEVICE": "cuda"}), log)
	for _, want := range []string{"BUNKA_DEVICE=cuda", "no usable GPU", "built without CUDA", "make gpu"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("BUNKA_DEVICE=cuda: err = %v, want one saying %q", err, want)
		}
	}
}
