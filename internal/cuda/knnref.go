package cuda

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/vecmath"
)

// The k-NN search of (*GPU).Searcher, written once over the kernels of
// knn.cu. knnBackend runs those kernels: on the GPU (knn_cuda.go) or in Go
// on the host (hostKNN below), which the untagged tests compare with
// internal/knn. F and I are handles of device buffers of float32 and int32.
type knnBackend[F, I any] interface {
	upF(src []float32) (F, error)
	upI(src []int32) (I, error)
	setI(dst I, src []int32) error
	allocF(n int) (F, error)
	allocI(n int) (I, error)
	downF(dst []float32, src F) error
	downI(dst []int32, src I) error
	offF(b F, n int) F // the buffer from element n on
	offI(b I, n int) I
	freeF(F) error
	freeI(I) error

	norms(x F, n, dim int, out F) error
	tiles(a *tileArgs[F, I]) error
	merge(partD F, partI I, outD F, outI I, n, p, k int) error
	refine(x F, idx I, dist F, n, dim, k int) error
	gather(src F, perm I, dst F, n, dim int) error
	expand(x, inD F, inI I, outD F, outI I, n, dim, k int) error
}

// tileArgs are the parameters of knn_tiles. items holds nItems work items
// of 4 int32 each: first position, count (<= tileRows), first and end
// reference row.
type tileArgs[F, I any] struct {
	x, xnorm, y, ynorm F
	qrow, qent, items  I
	nItems, dim, k     int
	exclude            bool
	partD              F
	partI              I
}

const (
	tileRows = 64 // TQ and TR of knn.cu
	maxParts = 64 // MAXP of knn.cu: lists merged per query
	// exactMaxRows is the largest input that Auto searches exactly: about
	// 1.5e13 flops at 384 dimensions, under a second on an H100-class GPU
	// by our estimate (not measured yet: scripts/gpu_check.sh prints both
	// methods' times at 100,000 rows to tune it).
	exactMaxRows = 1 << 17
	partBudget   = 512 << 20 // bytes of partial lists per chunk of queries
	targetBlocks = 1024      // work items per launch worth splitting the reference rows for
)

// ivfParams tune the approximate search: nlist lists, the nprobe nearest of
// which each query searches, centroids trained by iters Lloyd iterations
// on sample rows; then rounds rounds of neighbours' neighbours.
type ivfParams struct {
	nlist, nprobe, sample, iters, rounds int
}

// defaultIVF: about √n lists, of which each row searches 6.4% (at most 64
// lists), then two rounds of neighbours' neighbours. On the Debian
// descriptions (10,000 builtin-embedder vectors, 250 lists) that scan found
// 96.5% of the 15 nearest (TestHostIVFRecall), where scanning 3.2% found
// 94.4%.
func defaultIVF(n int) ivfParams {
	nlist := min(max(int(math.Sqrt(float64(n))), 8), 4096)
	nprobe := min(nlist, maxParts, max(32, (nlist*64+999)/1000))
	return ivfParams{nlist: nlist, nprobe: nprobe, sample: min(n, 64*nlist), iters: 10, rounds: 2}
}

// searchWith is Search on backend b: exact search up to exactMaxRows rows
// (or with knn.ExactMethod), IVF above (or with knn.ApproximateMethod).
func searchWith[F, I any](ctx context.Context, b knnBackend[F, I], data [][]float32, k int, opt knn.Options, ivf func(n int) ivfParams) (*knn.Graph, error) {
	m, err := knn.Prepare(data, k, opt.Metric)
	if err != nil {
		return nil, err
	}
	exact := opt.Method == knn.ExactMethod || (opt.Method == knn.Auto && m.N <= exactMaxRows)
	var idx []int32
	var d2 []float32
	if exact {
		idx, d2, err = exactKNN(ctx, b, m, k)
	} else {
		idx, d2, err = ivfKNN(ctx, b, m, k, opt.Seed, ivf(m.N))
	}
	if err != nil {
		return nil, fmt.Errorf("cuda: knn: %w", err)
	}
	g := &knn.Graph{N: m.N, K: k, Indices: idx, Distances: d2}
	knn.Finish(g, opt.Metric)
	return g, nil
}

// Launch shapes of knn.cu's kernels, shared by the GPU glue and the test
// that runs knn.cu compiled for the host.
var (
	block256   = Dim3{X: 256}
	mergeBlock = Dim3{X: 128}
)

// warpGrid gives each of n items a warp of 32 threads, in blocks of 256.
func warpGrid(n int) Dim3 { return Dim3{X: ceilDiv(n*32, 256)} }

func mergeGrid(n int) Dim3 { return Dim3{X: ceilDiv(n, 128)} }

func gatherGrid(n, dim int) Dim3 { return Dim3{X: ceilDiv(n*dim, 256)} }

// releaser frees buffers in reverse order of allocation.
type releaser []func() error

func (r *releaser) add(f func() error) { *r = append(*r, f) }

func (r *releaser) release() error {
	var errs []error
	for i := len(*r) - 1; i >= 0; i-- {
		errs = append(errs, (*r)[i]())
	}
	*r = nil
	return errors.Join(errs...)
}

func upF[F, I any](b knnBackend[F, I], rel *releaser, v []float32) (F, error) {
	p, err := b.upF(v)
	if err == nil {
		rel.add(func() error { return b.freeF(p) })
	}
	return p, err
}

func upI[F, I any](b knnBackend[F, I], rel *releaser, v []int32) (I, error) {
	p, err := b.upI(v)
	if err == nil {
		rel.add(func() error { return b.freeI(p) })
	}
	return p, err
}

func allocF[F, I any](b knnBackend[F, I], rel *releaser, n int) (F, error) {
	p, err := b.allocF(n)
	if err == nil {
		rel.add(func() error { return b.freeF(p) })
	}
	return p, err
}

func allocI[F, I any](b knnBackend[F, I], rel *releaser, n int) (I, error) {
	p, err := b.allocI(n)
	if err == nil {
		rel.add(func() error { return b.freeI(p) })
	}
	return p, err
}

// allocLists allocates n distances and n indices on the device (k-NN
// lists), both freed by rel.
func allocLists[F, I any](b knnBackend[F, I], rel *releaser, n int) (d F, idx I, err error) {
	if d, err = allocF(b, rel, n); err != nil {
		return d, idx, err
	}
	idx, err = allocI(b, rel, n)
	return d, idx, err
}

// upWithNorms uploads m's rows and computes their squared norms on the
// device, both freed by rel.
func upWithNorms[F, I any](b knnBackend[F, I], rel *releaser, m *knn.Matrix) (x, xn F, err error) {
	if x, err = upF(b, rel, m.V); err != nil {
		return x, xn, err
	}
	if xn, err = allocF(b, rel, m.N); err != nil {
		return x, xn, err
	}
	return x, xn, b.norms(x, m.N, m.Dim, xn)
}

// exactKNN returns the k nearest rows of every row of m (squared
// distances in m's space, recomputed directly for the winners), in the
// order of selection.
func exactKNN[F, I any](ctx context.Context, b knnBackend[F, I], m *knn.Matrix, k int) (idx []int32, d2 []float32, err error) {
	var rel releaser
	defer func() { err = errors.Join(err, rel.release()) }()
	n, dim := m.N, m.Dim
	x, xn, err := upWithNorms(b, &rel, m)
	if err != nil {
		return nil, nil, err
	}
	outD, outI, err := allocLists(b, &rel, n*k)
	if err != nil {
		return nil, nil, err
	}
	if err := searchRows(ctx, b, x, xn, n, dim, k, nil, outD, outI); err != nil {
		return nil, nil, err
	}
	if err := b.refine(x, outI, outD, n, dim, k); err != nil {
		return nil, nil, err
	}
	idx, d2 = make([]int32, n*k), make([]float32, n*k)
	if err := b.downI(idx, outI); err != nil {
		return nil, nil, err
	}
	if err := b.downF(d2, outD); err != nil {
		return nil, nil, err
	}
	return idx, d2, nil
}

// searchRows searches all nRef rows of x for the k nearest of each query
// row (queries; nil: every row), a row never its own neighbour, and writes
// the merged list of queries[i] at outD, outI + i*k (selection distances).
// The reference rows are cut into S ranges so that a launch has enough
// work items, and the queries into chunks whose partial lists fit
// partBudget.
func searchRows[F, I any](ctx context.Context, b knnBackend[F, I], x, xn F, nRef, dim, k int, queries []int32, outD F, outI I) (err error) {
	nq := len(queries)
	if queries == nil {
		nq = nRef
	}
	tiles := ceilDiv(nq, tileRows)
	s := min(max(ceilDiv(targetBlocks, tiles), 1), maxParts, max(nRef/(4*tileRows), 1))
	span := ceilDiv(nRef, s)
	chunk := max(partBudget/(s*k*8)/tileRows*tileRows, tileRows)
	chunk = min(chunk, nq)

	var rel releaser
	defer func() { err = errors.Join(err, rel.release()) }()
	partD, partI, err := allocLists(b, &rel, chunk*s*k)
	if err != nil {
		return err
	}
	qrow := make([]int32, chunk*s)
	qent := make([]int32, chunk*s)
	items := make([]int32, 0, 4*s*ceilDiv(chunk, tileRows))
	for c0 := 0; c0 < nq; c0 += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		nc := min(chunk, nq-c0)
		items = items[:0]
		for sp := range s {
			for i := range nc {
				q := int32(c0 + i)
				if queries != nil {
					q = queries[c0+i]
				}
				qrow[sp*nc+i] = q
				qent[sp*nc+i] = int32(i*s + sp)
			}
			r0, r1 := sp*span, min(nRef, (sp+1)*span)
			for t := 0; t < nc; t += tileRows {
				items = append(items, int32(sp*nc+t), int32(min(tileRows, nc-t)), int32(r0), int32(r1))
			}
		}
		if err := runTiles(b, x, xn, x, xn, qrow[:s*nc], qent[:s*nc], items, dim, k, true, partD, partI); err != nil {
			return err
		}
		if err := b.merge(partD, partI, b.offF(outD, c0*k), b.offI(outI, c0*k), nc, s, k); err != nil {
			return err
		}
	}
	return nil
}

// runTiles uploads the positions and items of one launch of knn_tiles and
// runs it.
func runTiles[F, I any](b knnBackend[F, I], x, xn, y, yn F, qrow, qent, items []int32, dim, k int, exclude bool, partD F, partI I) (err error) {
	var rel releaser
	defer func() { err = errors.Join(err, rel.release()) }()
	dq, err := upI(b, &rel, qrow)
	if err != nil {
		return err
	}
	de, err := upI(b, &rel, qent)
	if err != nil {
		return err
	}
	di, err := upI(b, &rel, items)
	if err != nil {
		return err
	}
	return b.tiles(&tileArgs[F, I]{x: x, xnorm: xn, y: y, ynorm: yn, qrow: dq, qent: de, items: di,
		nItems: len(items) / 4, dim: dim, k: k, exclude: exclude, partD: partD, partI: partI})
}

// nearestCentroids returns, for each row of x in rows, the kc nearest of
// the centroids cent (row-major, dim columns), nearest first.
func nearestCentroids[F, I any](b knnBackend[F, I], x, xn F, dim int, rows []int32, cent []float32, kc int) (out []int32, err error) {
	var rel releaser
	defer func() { err = errors.Join(err, rel.release()) }()
	nc := len(cent) / dim
	c, err := upF(b, &rel, cent)
	if err != nil {
		return nil, err
	}
	cn, err := allocF(b, &rel, nc)
	if err != nil {
		return nil, err
	}
	if err := b.norms(c, nc, dim, cn); err != nil {
		return nil, err
	}
	n := len(rows)
	partD, partI, err := allocLists(b, &rel, n*kc)
	if err != nil {
		return nil, err
	}
	qent := make([]int32, n)
	for i := range qent {
		qent[i] = int32(i)
	}
	items := make([]int32, 0, 4*ceilDiv(n, tileRows))
	for t := 0; t < n; t += tileRows {
		items = append(items, int32(t), int32(min(tileRows, n-t)), 0, int32(nc))
	}
	if err := runTiles(b, x, xn, c, cn, rows, qent, items, dim, kc, false, partD, partI); err != nil {
		return nil, err
	}
	out = make([]int32, n*kc)
	if err := b.downI(out, partI); err != nil {
		return nil, err
	}
	return out, nil
}

// trainCentroids runs p.iters Lloyd iterations of k-means on p.sample rows
// of m drawn with seed, from p.nlist of them; the assignments run on b, the
// means on the host in float64 (an empty list keeps its centroid).
func trainCentroids[F, I any](ctx context.Context, b knnBackend[F, I], m *knn.Matrix, x, xn F, p ivfParams, seed int64) ([]float32, error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	perm := rng.Perm(m.N)[:p.sample]
	rows := make([]int32, len(perm))
	for i, r := range perm {
		rows[i] = int32(r)
	}
	dim := m.Dim
	cent := make([]float32, p.nlist*dim)
	for c := range p.nlist {
		copy(cent[c*dim:(c+1)*dim], m.Row(int(rows[c])))
	}
	sum := make([]float64, p.nlist*dim)
	cnt := make([]int, p.nlist)
	for range p.iters {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		assign, err := nearestCentroids(b, x, xn, dim, rows, cent, 1)
		if err != nil {
			return nil, err
		}
		clear(sum)
		clear(cnt)
		for i, r := range rows {
			c := int(assign[i])
			cnt[c]++
			s := sum[c*dim : (c+1)*dim]
			for d, v := range m.Row(int(r)) {
				s[d] += float64(v)
			}
		}
		for c := range p.nlist {
			if cnt[c] == 0 {
				continue
			}
			for d := range dim {
				cent[c*dim+d] = float32(sum[c*dim+d] / float64(cnt[c]))
			}
		}
	}
	return cent, nil
}

// ivfKNN is the approximate search above exactMaxRows: an inverted file
// (Jégou, Douze and Schmid, "Product quantization for nearest neighbor
// search", TPAMI 2011, without the quantisation). The rows are split into
// nlist lists by k-means centroids; each row is searched, exactly, among the
// rows of the lists of its nprobe nearest centroids, by the same kernels as
// exactKNN. A row whose lists hold fewer than k other rows is searched
// exactly over all rows. Then p.rounds rounds offer each row its
// neighbours' neighbours (knn_expand), which finds most of what the lists
// missed at the edges of their cells.
func ivfKNN[F, I any](ctx context.Context, b knnBackend[F, I], m *knn.Matrix, k int, seed int64, p ivfParams) (idx []int32, d2 []float32, err error) {
	if p.nprobe > maxParts || p.nprobe > p.nlist || p.nlist > m.N || p.sample < p.nlist {
		return nil, nil, fmt.Errorf("ivf: bad parameters %+v for %d rows", p, m.N)
	}
	var rel releaser
	defer func() { err = errors.Join(err, rel.release()) }()
	n, dim := m.N, m.Dim
	x, xn, err := upWithNorms(b, &rel, m)
	if err != nil {
		return nil, nil, err
	}
	cent, err := trainCentroids(ctx, b, m, x, xn, p, seed)
	if err != nil {
		return nil, nil, err
	}
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	probes, err := nearestCentroids(b, x, xn, dim, all, cent, p.nprobe)
	if err != nil {
		return nil, nil, err
	}

	// Rows sorted by list (stably): sorted position -> row, and list starts.
	start := make([]int, p.nlist+1)
	for i := range n {
		start[probes[i*p.nprobe]+1]++
	}
	for c := range p.nlist {
		start[c+1] += start[c]
	}
	perm := make([]int32, n)
	next := append([]int(nil), start[:p.nlist]...)
	for i := range n {
		c := probes[i*p.nprobe]
		perm[next[c]] = int32(i)
		next[c]++
	}
	dperm, err := upI(b, &rel, perm)
	if err != nil {
		return nil, nil, err
	}
	xs, err := allocF(b, &rel, n*dim)
	if err != nil {
		return nil, nil, err
	}
	xsn, err := allocF(b, &rel, n)
	if err != nil {
		return nil, nil, err
	}
	if err := b.gather(x, dperm, xs, n, dim); err != nil {
		return nil, nil, err
	}
	if err := b.gather(xn, dperm, xsn, n, 1); err != nil {
		return nil, nil, err
	}

	outD, outI, err := allocLists(b, &rel, n*k)
	if err != nil {
		return nil, nil, err
	}
	if err := ivfSearch(ctx, b, xs, xsn, dim, k, p, perm, probes, start, outD, outI); err != nil {
		return nil, nil, err
	}

	// Rows with fewer than k candidates: exact search over all rows.
	sidx := make([]int32, n*k)
	if err := b.downI(sidx, outI); err != nil {
		return nil, nil, err
	}
	var short []int32
	for q := range n {
		if sidx[q*k+k-1] < 0 {
			short = append(short, int32(q))
		}
	}
	if len(short) > 0 {
		if err := patchRows(ctx, b, xs, xsn, n, dim, k, short, sidx, outI); err != nil {
			return nil, nil, err
		}
	}
	if err := b.refine(xs, outI, outD, n, dim, k); err != nil {
		return nil, nil, err
	}
	if p.rounds > 0 {
		nxtD, nxtI, err := allocLists(b, &rel, n*k)
		if err != nil {
			return nil, nil, err
		}
		for range p.rounds {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			if err := b.expand(xs, outD, outI, nxtD, nxtI, n, dim, k); err != nil {
				return nil, nil, err
			}
			outD, outI, nxtD, nxtI = nxtD, nxtI, outD, outI
		}
		if err := b.downI(sidx, outI); err != nil {
			return nil, nil, err
		}
	}
	sd := make([]float32, n*k)
	if err := b.downF(sd, outD); err != nil {
		return nil, nil, err
	}
	// Back from sorted positions to rows.
	idx, d2 = make([]int32, n*k), make([]float32, n*k)
	for q := range n {
		r := int(perm[q])
		for t := range k {
			idx[r*k+t] = perm[sidx[q*k+t]]
			d2[r*k+t] = sd[q*k+t]
		}
	}
	return idx, d2, nil
}

// ivfSearch fills outD, outI (sorted positions) with each row's k nearest
// among the lists of its nprobe nearest centroids, chunk by chunk of rows.
func ivfSearch[F, I any](ctx context.Context, b knnBackend[F, I], xs, xsn F, dim, k int, p ivfParams, perm, probes []int32, start []int, outD F, outI I) (err error) {
	n := len(perm)
	chunk := min(max(partBudget/(p.nprobe*k*8), tileRows), n)
	var rel releaser
	defer func() { err = errors.Join(err, rel.release()) }()
	partD, partI, err := allocLists(b, &rel, chunk*p.nprobe*k)
	if err != nil {
		return err
	}
	cnt := make([]int, p.nlist+1)
	qrow := make([]int32, chunk*p.nprobe)
	qent := make([]int32, chunk*p.nprobe)
	var items []int32
	for a := 0; a < n; a += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		nb := min(chunk, n-a)
		// Positions grouped by probed list.
		clear(cnt)
		for q := a; q < a+nb; q++ {
			for _, c := range probes[int(perm[q])*p.nprobe : (int(perm[q])+1)*p.nprobe] {
				cnt[c+1]++
			}
		}
		for c := range p.nlist {
			cnt[c+1] += cnt[c]
		}
		items = items[:0]
		for c := range p.nlist {
			for t := cnt[c]; t < cnt[c+1]; t += tileRows {
				items = append(items, int32(t), int32(min(tileRows, cnt[c+1]-t)), int32(start[c]), int32(start[c+1]))
			}
		}
		for q := a; q < a+nb; q++ {
			for pp, c := range probes[int(perm[q])*p.nprobe : (int(perm[q])+1)*p.nprobe] {
				qrow[cnt[c]] = int32(q)
				qent[cnt[c]] = int32((q-a)*p.nprobe + pp)
				cnt[c]++
			}
		}
		m := nb * p.nprobe
		if err := runTiles(b, xs, xsn, xs, xsn, qrow[:m], qent[:m], items, dim, k, true, partD, partI); err != nil {
			return err
		}
		if err := b.merge(partD, partI, b.offF(outD, a*k), b.offI(outI, a*k), nb, p.nprobe, k); err != nil {
			return err
		}
	}
	return nil
}

// patchRows searches the rows short exactly and writes their lists into
// sidx (host) and outI (device).
func patchRows[F, I any](ctx context.Context, b knnBackend[F, I], xs, xsn F, n, dim, k int, short, sidx []int32, outI I) (err error) {
	var rel releaser
	defer func() { err = errors.Join(err, rel.release()) }()
	pd, pi, err := allocLists(b, &rel, len(short)*k)
	if err != nil {
		return err
	}
	if err := searchRows(ctx, b, xs, xsn, n, dim, k, short, pd, pi); err != nil {
		return err
	}
	got := make([]int32, len(short)*k)
	if err := b.downI(got, pi); err != nil {
		return err
	}
	for i, q := range short {
		copy(sidx[int(q)*k:(int(q)+1)*k], got[i*k:(i+1)*k])
	}
	return b.setI(outI, sidx)
}

// hostKNN runs the kernels of knn.cu in Go, one work item after another:
// the same algorithm (blocks, tiles, work items, selection and its order of
// (distance, index) pairs), but not the same floating-point arithmetic.
// knn.ptx sums dot products tile by tile with fused multiply-adds (nvcc
// contracts a*b+c into fma.rn.f32) and norms by lane-strided warp
// butterflies, where this uses vecmath.Dot, so distances may differ in the
// last bits and neighbour lists agree up to distance ties (a tolerance), not
// bit for bit. It is the reference the untagged tests run.
type hostKNN struct{}

var _ knnBackend[[]float32, []int32] = hostKNN{}

func (hostKNN) upF(src []float32) ([]float32, error) { return append([]float32(nil), src...), nil }
func (hostKNN) upI(src []int32) ([]int32, error)     { return append([]int32(nil), src...), nil }
func (hostKNN) setI(dst, src []int32) error          { copy(dst, src); return nil }
func (hostKNN) allocF(n int) ([]float32, error)      { return make([]float32, n), nil }
func (hostKNN) allocI(n int) ([]int32, error)        { return make([]int32, n), nil }
func (hostKNN) downF(dst, src []float32) error       { copy(dst, src); return nil }
func (hostKNN) downI(dst, src []int32) error         { copy(dst, src); return nil }
func (hostKNN) offF(b []float32, n int) []float32    { return b[n:] }
func (hostKNN) offI(b []int32, n int) []int32        { return b[n:] }
func (hostKNN) freeF([]float32) error                { return nil }
func (hostKNN) freeI([]int32) error                  { return nil }

func (hostKNN) norms(x []float32, n, dim int, out []float32) error {
	for i := range n {
		r := x[i*dim : (i+1)*dim]
		out[i] = vecmath.Dot(r, r)
	}
	return nil
}

// better is knn.cu's order of (distance, index) pairs: index compared
// unsigned, so that the empty mark -1 comes last.
func better(d float32, j int32, dd float32, jj int32) bool {
	return d < dd || (d == dd && uint32(j) < uint32(jj))
}

func (hostKNN) tiles(a *tileArgs[[]float32, []int32]) error {
	inf := float32(math.Inf(1))
	for it := range a.nItems {
		first, count, r0, r1 := int(a.items[4*it]), int(a.items[4*it+1]), int(a.items[4*it+2]), int(a.items[4*it+3])
		for p := first; p < first+count; p++ {
			q := int(a.qrow[p])
			e := int(a.qent[p])
			ld, li := a.partD[e*a.k:(e+1)*a.k], a.partI[e*a.k:(e+1)*a.k]
			for s := range ld {
				ld[s], li[s] = inf, -1
			}
			xq := a.x[q*a.dim : (q+1)*a.dim]
			for j := r0; j < r1; j++ {
				if a.exclude && j == q {
					continue
				}
				d := max(a.xnorm[q]+a.ynorm[j]-2*vecmath.Dot(xq, a.y[j*a.dim:(j+1)*a.dim]), 0)
				if better(d, int32(j), ld[a.k-1], li[a.k-1]) {
					sortedInsert(ld, li, d, int32(j), a.k-1)
				}
			}
		}
	}
	return nil
}

// sortedInsert puts (d, j) into the list ld, li, sorted by better, moving
// the entries before position at one down (the one at at is dropped), as
// knn.cu's sortedInsert does.
func sortedInsert(ld []float32, li []int32, d float32, j int32, at int) {
	pos := at
	for pos > 0 && better(d, j, ld[pos-1], li[pos-1]) {
		ld[pos], li[pos] = ld[pos-1], li[pos-1]
		pos--
	}
	ld[pos], li[pos] = d, j
}

// seqSqDist is the squared distance summed in order, in float32, as the
// kernels sum it.
func seqSqDist(a, b []float32) float32 {
	var acc float32
	for d, v := range b {
		t := a[d] - v
		acc += t * t
	}
	return acc
}

func (hostKNN) merge(partD []float32, partI []int32, outD []float32, outI []int32, n, p, k int) error {
	if p > maxParts {
		return fmt.Errorf("merge of %d lists, at most %d", p, maxParts)
	}
	cur := make([]int, p)
	for q := range n {
		clear(cur)
		base := q * p * k
		for o := range k {
			bs, bd, bi := -1, float32(math.Inf(1)), int32(-1)
			for s := range p {
				if cur[s] >= k {
					continue
				}
				at := base + s*k + cur[s]
				if partI[at] < 0 {
					continue
				}
				if bs < 0 || better(partD[at], partI[at], bd, bi) {
					bs, bd, bi = s, partD[at], partI[at]
				}
			}
			if bs >= 0 {
				cur[bs]++
			}
			outD[q*k+o], outI[q*k+o] = bd, bi
		}
	}
	return nil
}

func (hostKNN) refine(x []float32, idx []int32, dist []float32, n, dim, k int) error {
	for q := range n {
		a := x[q*dim : (q+1)*dim]
		for s := range k {
			j := int(idx[q*k+s])
			if j < 0 {
				continue
			}
			dist[q*k+s] = seqSqDist(a, x[j*dim:(j+1)*dim])
		}
	}
	return nil
}

func (hostKNN) expand(x, inD []float32, inI []int32, outD []float32, outI []int32, n, dim, k int) error {
	for q := range n {
		ld, li := outD[q*k:(q+1)*k], outI[q*k:(q+1)*k]
		for s := range k {
			sortedInsert(ld, li, inD[q*k+s], inI[q*k+s], s)
		}
		a := x[q*dim : (q+1)*dim]
		for t := range k {
			j := int(inI[q*k+t])
			if j < 0 {
				continue
			}
			for _, c := range inI[j*k : (j+1)*k] {
				if c < 0 || int(c) == q || slices.Contains(li, c) {
					continue
				}
				if acc := seqSqDist(a, x[int(c)*dim:(int(c)+1)*dim]); better(acc, c, ld[k-1], li[k-1]) {
					sortedInsert(ld, li, acc, c, k-1)
				}
			}
		}
	}
	return nil
}

func (hostKNN) gather(src []float32, perm []int32, dst []float32, n, dim int) error {
	for i := range n {
		copy(dst[i*dim:(i+1)*dim], src[int(perm[i])*dim:(int(perm[i])+1)*dim])
	}
	return nil
}
