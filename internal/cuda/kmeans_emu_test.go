package cuda

import (
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// This file is a device emulator for the k-means glue: memory is Go
// slices, and each kernel of kmeans.cu is mirrored by a Go function that
// runs its grid thread by thread, block by block, with the same index
// arithmetic and the same operations in the same order (the kernels use
// neither shared memory nor barriers). The glue (kmeans_glue.go) runs on it here as
// it runs on a GPU; an access out of a buffer panics.

// emuDevice is memory and a launcher; it counts live allocations.
type emuDevice struct {
	mem      map[devPtr][]uint64 // 8-byte words, viewed as float64, int32 or uint32
	bytes    map[devPtr]int64
	next     devPtr
	launches map[string]int
	failOn   string // a kernel whose launch fails, for the error tests
}

func newEmu() *emuDevice {
	return &emuDevice{mem: map[devPtr][]uint64{}, bytes: map[devPtr]int64{}, next: 0x1000, launches: map[string]int{}}
}

func (e *emuDevice) alloc(bytes int64) (devPtr, error) {
	if bytes <= 0 {
		bytes = 1
	}
	p := e.next
	e.next += devPtr(bytes+255) &^ 255
	e.mem[p] = make([]uint64, (bytes+7)/8)
	e.bytes[p] = bytes
	return p, nil
}

func (e *emuDevice) free(p devPtr) error {
	if _, ok := e.mem[p]; !ok {
		return fmt.Errorf("emu: free of %#x, not allocated", p)
	}
	delete(e.mem, p)
	delete(e.bytes, p)
	return nil
}

func (e *emuDevice) words(p devPtr) []uint64 {
	w, ok := e.mem[p]
	if !ok {
		panic(fmt.Sprintf("emu: %#x is not allocated", p))
	}
	return w
}

func (e *emuDevice) f64(p devPtr) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(&e.words(p)[0])), e.bytes[p]/8)
}

func (e *emuDevice) i32(p devPtr) []int32 {
	return unsafe.Slice((*int32)(unsafe.Pointer(&e.words(p)[0])), e.bytes[p]/4)
}

func (e *emuDevice) u32(p devPtr) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(&e.words(p)[0])), e.bytes[p]/4)
}

// The copies fail, as the driver does, when they would overrun a buffer.
func (e *emuDevice) putF64(dst devPtr, src []float64) error {
	if copy(e.f64(dst), src) != len(src) {
		return errors.New("emu: copy past the end of a buffer")
	}
	return nil
}

func (e *emuDevice) putU32(dst devPtr, src []uint32) error {
	if copy(e.u32(dst), src) != len(src) {
		return errors.New("emu: copy past the end of a buffer")
	}
	return nil
}

func (e *emuDevice) getF64(dst []float64, src devPtr) error {
	if copy(dst, e.f64(src)) != len(dst) {
		return errors.New("emu: copy past the end of a buffer")
	}
	return nil
}

func (e *emuDevice) getI32(dst []int32, src devPtr) error {
	if copy(dst, e.i32(src)) != len(dst) {
		return errors.New("emu: copy past the end of a buffer")
	}
	return nil
}

func (e *emuDevice) getU32(dst []uint32, src devPtr) error {
	if copy(dst, e.u32(src)) != len(dst) {
		return errors.New("emu: copy past the end of a buffer")
	}
	return nil
}

// emuSignatures are the parameter kinds of the kernels of kmeans.cu, which
// TestEmuSignatures checks against the source.
var emuSignatures = map[string][]string{
	"kmeans_reset":      {"i32*", "i32"},
	"kmeans_closest":    {"f64*", "i32", "i32", "f64*", "f64*", "i32"},
	"kmeans_block_sums": {"f64*", "i32", "i32", "f64*"},
	"kmeans_potentials": {"f64*", "i32", "i32", "i32", "f64*", "f64*", "i32", "f64*"},
	"kmeans_assign":     {"f64*", "i32", "i32", "f64*", "i32", "i32*", "f64*", "u32*"},
	"kmeans_sums":       {"f64*", "i32", "i32", "i32", "i32*", "i32", "f64*", "i32*"},
}

// emuArgs are a launch's arguments resolved to Go values by kind.
type emuArgs []any

func (a emuArgs) f64(i int) []float64 { return a[i].([]float64) }
func (a emuArgs) i32p(i int) []int32  { return a[i].([]int32) }
func (a emuArgs) u32p(i int) []uint32 { return a[i].([]uint32) }
func (a emuArgs) int(i int) int       { return int(a[i].(int32)) }

func (e *emuDevice) launch(kernel string, grid, block Dim3, args ...any) error {
	sig, ok := emuSignatures[kernel]
	if !ok {
		return fmt.Errorf("emu: no kernel %q", kernel)
	}
	if kernel == e.failOn {
		return fmt.Errorf("emu: launch of %s failed", kernel)
	}
	if len(args) != len(sig) {
		return fmt.Errorf("emu: %s takes %d arguments, got %d", kernel, len(sig), len(args))
	}
	if grid.X < 1 || block.X < 1 || block.X > 1024 || grid.Y > 65535 {
		return fmt.Errorf("emu: %s: grid %v, block %v out of the hardware's limits", kernel, grid, block)
	}
	grid.Y, block.Y = max(grid.Y, 1), max(block.Y, 1)
	a := make(emuArgs, len(args))
	for i, kind := range sig {
		switch v := args[i].(type) {
		case devPtr:
			switch kind {
			case "f64*":
				a[i] = e.f64(v)
			case "i32*":
				a[i] = e.i32(v)
			case "u32*":
				a[i] = e.u32(v)
			default:
				return fmt.Errorf("emu: %s argument %d: a pointer for a %s", kernel, i, kind)
			}
		case int32:
			if kind != "i32" {
				return fmt.Errorf("emu: %s argument %d: an int for a %s", kernel, i, kind)
			}
			a[i] = v
		default:
			return fmt.Errorf("emu: %s argument %d: %T", kernel, i, v)
		}
	}
	e.launches[kernel]++
	emuKernels[kernel](grid, block, a)
	return nil
}

// thread is the index of one emulated thread.
type thread struct{ bx, by, tx, bdx int }

func (t thread) global() int { return t.bx*t.bdx + t.tx }

// forThreads runs f for every thread of the grid, block by block.
func forThreads(grid, block Dim3, f func(t thread)) {
	for by := 0; by < grid.Y; by++ {
		for bx := 0; bx < grid.X; bx++ {
			for tx := 0; tx < block.X; tx++ {
				f(thread{bx: bx, by: by, tx: tx, bdx: block.X})
			}
		}
	}
}

// emuSqdist mirrors sqdist: each difference, product and sum rounded.
func emuSqdist(a, b []float64, d int) float64 {
	s := 0.0
	for j := 0; j < d; j++ {
		t := a[j] - b[j]
		s = s + float64(t*t)
	}
	return s
}

var emuKernels = map[string]func(grid, block Dim3, a emuArgs){
	"kmeans_reset": func(grid, block Dim3, a emuArgs) {
		labels, n := a.i32p(0), a.int(1)
		forThreads(grid, block, func(t thread) {
			if i := t.global(); i < n {
				labels[i] = -1
			}
		})
	},
	"kmeans_closest": func(grid, block Dim3, a emuArgs) {
		x, n, d, c, closest, first := a.f64(0), a.int(1), a.int(2), a.f64(3), a.f64(4), a.int(5)
		forThreads(grid, block, func(t thread) {
			i := t.global()
			if i >= n {
				return
			}
			v := emuSqdist(x[i*d:], c, d)
			if first != 0 || v < closest[i] {
				closest[i] = v
			}
		})
	},
	"kmeans_block_sums": func(grid, block Dim3, a emuArgs) {
		v, n, bs, partial := a.f64(0), a.int(1), a.int(2), a.f64(3)
		forThreads(grid, block, func(t thread) {
			b := t.global()
			nb := ceilDiv(n, bs)
			if b >= nb {
				return
			}
			lo := b * bs
			hi := min(lo+bs, n)
			s := 0.0
			for i := lo; i < hi; i++ {
				s = s + v[i]
			}
			partial[b] = s
		})
	},
	"kmeans_potentials": func(grid, block Dim3, a emuArgs) {
		x, n, d, bs, closest, cand, nt, partial := a.f64(0), a.int(1), a.int(2), a.int(3), a.f64(4), a.f64(5), a.int(6), a.f64(7)
		forThreads(grid, block, func(t thread) {
			q := t.global()
			nb := ceilDiv(n, bs)
			if q >= nb*nt {
				return
			}
			b, j := q/nt, q%nt
			cj := cand[j*d:]
			lo := b * bs
			hi := min(lo+bs, n)
			s := 0.0
			for i := lo; i < hi; i++ {
				v := emuSqdist(x[i*d:], cj, d)
				c := closest[i]
				if c <= v {
					s = s + c
				} else {
					s = s + v
				}
			}
			partial[q] = s
		})
	},
	"kmeans_assign": func(grid, block Dim3, a emuArgs) {
		x, n, d, centers, k, labels, dist, changed := a.f64(0), a.int(1), a.int(2), a.f64(3), a.int(4), a.i32p(5), a.f64(6), a.u32p(7)
		forThreads(grid, block, func(t thread) {
			i := t.global()
			if i >= n {
				return
			}
			p := x[i*d:]
			best, bd := 0, math.Inf(1)
			for c := 0; c < k; c++ {
				if v := emuSqdist(p, centers[c*d:], d); v < bd {
					best, bd = c, v
				}
			}
			if labels[i] != int32(best) {
				labels[i] = int32(best)
				changed[0]++
			}
			dist[i] = bd
		})
	},
	"kmeans_sums": func(grid, block Dim3, a emuArgs) {
		x, n, d, bs, labels, k, sums, counts := a.f64(0), a.int(1), a.int(2), a.int(3), a.i32p(4), a.int(5), a.f64(6), a.i32p(7)
		forThreads(grid, block, func(t thread) {
			b := t.bx
			q := t.by*t.bdx + t.tx
			if q >= k*d {
				return
			}
			c, j := q/d, q%d
			lo := b * bs
			hi := min(lo+bs, n)
			s := 0.0
			var cnt int32
			for i := lo; i < hi; i++ {
				if labels[i] == int32(c) {
					s = s + x[i*d+j]
					cnt++
				}
			}
			sums[(b*k+c)*d+j] = s
			if j == 0 {
				counts[b*k+c] = cnt
			}
		})
	},
}

// TestEmuSignatures checks that the emulator's kernels take the parameters
// that kmeans.cu declares, so that the glue's launches, checked against
// the emulator, match the kernels.
func TestEmuSignatures(t *testing.T) {
	src, err := os.ReadFile("kmeans.cu")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`extern "C" __global__ void (\w+)\(([^)]*)\)`)
	found := map[string][]string{}
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		var kinds []string
		for _, p := range strings.Split(m[2], ",") {
			f := strings.Fields(strings.NewReplacer("*", " * ", "__restrict__", "", "const", "").Replace(p))
			ptr := slices.Contains(f, "*")
			typ := strings.Join(slices.DeleteFunc(f[:len(f)-1], func(s string) bool { return s == "*" }), " ")
			kind := map[string]string{"double": "f64", "int": "i32", "unsigned int": "u32"}[typ]
			if kind == "" {
				t.Fatalf("%s: parameter %q of an unknown type", m[1], p)
			}
			if ptr {
				kind += "*"
			}
			kinds = append(kinds, kind)
		}
		found[m[1]] = kinds
	}
	if len(found) != len(emuSignatures) {
		t.Errorf("kmeans.cu has kernels %v, the emulator %d", found, len(emuSignatures))
	}
	for name, want := range emuSignatures {
		if got := found[name]; !slices.Equal(got, want) {
			t.Errorf("%s: kmeans.cu declares %v, the emulator takes %v", name, got, want)
		}
	}
}
