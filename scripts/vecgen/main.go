// Command vecgen writes n synthetic embedding-like vectors as a float32
// .npy file, the input of the timings in scripts/gpu_check.sh (the shared
// corpora stop at 10,000 documents, and a million vectors of 384 dimensions
// are 1.5 GB, too large to carry). The points lie along a ring of random
// centres (each between two neighbouring centres, plus Gaussian noise),
// L2-normalised, so that the k-NN graph is one connected piece as real
// corpora's are, not thousands of separate blobs.
//
//	vecgen -n 1000000 -dim 384 -out vectors.npy
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"github.com/bunkatopics/bunka-go/internal/npy"
)

func main() {
	n := flag.Int("n", 10000, "vectors")
	dim := flag.Int("dim", 384, "dimensions")
	centres := flag.Int("centres", 0, "centres on the ring (0: n/1000, at least 10)")
	noise := flag.Float64("noise", 0.3, "standard deviation of the noise per dimension, relative to the centres'")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("out", "", "output .npy file (required)")
	flag.Parse()
	if *out == "" || *n < 1 || *dim < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := write(*out, generate(*n, *dim, *centres, *noise, *seed)); err != nil {
		fmt.Fprintln(os.Stderr, "vecgen:", err)
		os.Exit(1)
	}
}

func generate(n, dim, c int, noise float64, seed uint64) [][]float32 {
	if c <= 0 {
		c = max(n/1000, 10)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	ctr := make([]float64, c*dim)
	for i := range ctr {
		ctr[i] = rng.NormFloat64()
	}
	flat := make([]float32, n*dim)
	rows := make([][]float32, n)
	for i := range rows {
		a := rng.IntN(c)
		b := (a + 1) % c
		t := rng.Float64()
		r := flat[i*dim : (i+1)*dim : (i+1)*dim]
		var ss float64
		for d := range r {
			v := (1-t)*ctr[a*dim+d] + t*ctr[b*dim+d] + noise*rng.NormFloat64()
			r[d] = float32(v)
			ss += v * v
		}
		s := float32(1 / math.Sqrt(ss))
		for d := range r {
			r[d] *= s
		}
		rows[i] = r
	}
	return rows
}

func write(path string, rows [][]float32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := npy.Write(w, rows); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
