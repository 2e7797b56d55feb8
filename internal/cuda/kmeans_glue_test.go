package cuda

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/cluster"
	"github.com/bunkatopics/bunka-go/internal/cluster/clustertest"
)

// TestKMeansEmulatedConformance runs the conformance suite on the GPU
// glue, with the kernels emulated.
func TestKMeansEmulatedConformance(t *testing.T) {
	emu := newEmu()
	c := cluster.OnBackend(kmeansBackend{dev: emu})
	clustertest.Run(t, c)
	clustertest.AgainstCPU(t, c)
	if len(emu.mem) != 0 {
		t.Errorf("%d device buffers left allocated", len(emu.mem))
	}
}

// kmeansCase is a data set on which a GPU k-means must give
// cluster.KMeans's result bit for bit.
type kmeansCase struct {
	desc string
	pts  [][]float64
	k    int
	opt  cluster.Options
}

// wantAsCPU clusters tc with cluster.KMeans and with c and wants the same
// result, bit for bit.
func wantAsCPU(t *testing.T, c cluster.Clusterer, tc kmeansCase) {
	t.Helper()
	ctx := context.Background()
	want, err := cluster.KMeans(ctx, tc.pts, tc.k, tc.opt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Cluster(ctx, tc.pts, tc.k, tc.opt)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("result differs from the CPU's: inertia %v / %v (%x / %x), %d / %d iterations, NMI %.6f",
			got.Inertia, want.Inertia, math.Float64bits(got.Inertia), math.Float64bits(want.Inertia),
			got.Iterations, want.Iterations, clustertest.NMI(want.Labels, got.Labels))
	}
}

// kmeansCases are several blocks with a short last one, more (cluster,
// coordinate) pairs than one block of threads holds, several coordinates,
// several runs, relocated clusters, one point per cluster.
func kmeansCases() []kmeansCase {
	var out []kmeansCase
	for _, tc := range []struct {
		desc     string
		n, d, k  int
		ninit    int
		tol      float64
		distinct int // 0: all points drawn at random; else that many distinct points
	}{
		{desc: "2-D, 10 blocks, 20 clusters", n: 20_000, d: 2, k: 20, ninit: 1},
		{desc: "2-D, 150 clusters: two rows of thread blocks", n: 5_000, d: 2, k: 150, ninit: 1},
		{desc: "5-D, three runs, no tolerance", n: 3_000, d: 5, k: 7, ninit: 3, tol: -1},
		{desc: "fewer distinct points than clusters", n: 300, d: 2, k: 12, ninit: 1, distinct: 5},
		{desc: "one point per cluster", n: 9, d: 3, k: 9, ninit: 1},
	} {
		rng := rand.New(rand.NewPCG(uint64(tc.n), uint64(tc.k)))
		pts := make([][]float64, tc.n)
		for i := range pts {
			if tc.distinct > 0 && i >= tc.distinct {
				pts[i] = pts[rng.IntN(tc.distinct)]
				continue
			}
			c := rng.IntN(tc.k)
			pts[i] = make([]float64, tc.d)
			for j := range pts[i] {
				pts[i][j] = 3*float64((c*(j+1))%11) + rng.NormFloat64()
			}
		}
		out = append(out, kmeansCase{desc: tc.desc, pts: pts, k: tc.k, opt: cluster.Options{NInit: tc.ninit, Tol: tc.tol}})
	}
	return out
}

// TestKMeansEmulatedAsCPU checks that the kernels, as the emulator runs
// them, give cluster.KMeans's result bit for bit, and launch every kernel.
func TestKMeansEmulatedAsCPU(t *testing.T) {
	for _, tc := range kmeansCases() {
		t.Run(tc.desc, func(t *testing.T) {
			emu := newEmu()
			wantAsCPU(t, cluster.OnBackend(kmeansBackend{dev: emu}), tc)
			if len(emu.mem) != 0 {
				t.Errorf("%d device buffers left allocated", len(emu.mem))
			}
			for name := range emuSignatures {
				if emu.launches[name] == 0 {
					t.Errorf("kernel %s never launched", name)
				}
			}
		})
	}
}

// TestKMeansEmulatedErrors checks that a failed launch ends the run with
// an error naming the step, and frees the device memory.
func TestKMeansEmulatedErrors(t *testing.T) {
	pts := [][]float64{{0, 0}, {0, 1}, {5, 5}, {5, 6}, {9, 9}}
	for kernel, step := range map[string]string{
		"kmeans_closest":    "cuda: k-means seed",
		"kmeans_potentials": "cuda: k-means seed",
		"kmeans_reset":      "cuda: k-means reset",
		"kmeans_sums":       "cuda: k-means assign",
	} {
		emu := newEmu()
		emu.failOn = kernel
		_, err := cluster.KMeansOn(context.Background(), kmeansBackend{dev: emu}, pts, 3, cluster.Options{})
		if err == nil || !strings.Contains(err.Error(), step) || !strings.Contains(err.Error(), kernel) {
			t.Errorf("%s failing: err = %v, want one naming %q and the kernel", kernel, err, step)
		}
		if len(emu.mem) != 0 {
			t.Errorf("%s failing: %d device buffers left allocated", kernel, len(emu.mem))
		}
	}
}
