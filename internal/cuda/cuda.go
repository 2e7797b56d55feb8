//go:build cuda

package cuda

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"gorgonia.org/cu"
)

// Built reports whether this binary was built with the cuda tag.
const Built = true

// The kernels, compiled to PTX by go generate (genptx.sh) and JIT-compiled
// by the driver for the GPU present when Open loads them.
//
//go:embed *.ptx
var ptxFiles embed.FS

// GPU is one CUDA context on the first device, owned by one locked OS
// thread. Every driver call goes through Do, which runs it on that thread;
// the methods below do so themselves. A GPU may be used by several
// goroutines: their calls are serialised, each one whole.
type GPU struct {
	mu      sync.Mutex // held during each Do: cu.Ctx.Do pairs requests and replies only for one caller at a time
	ctx     *cu.Ctx
	name    string
	modules map[string]cu.Module
	funcs   map[string]cu.Function // by "module.name"
	closed  bool

	memMu      sync.Mutex
	sizes      map[cu.DevicePtr]int64 // live allocations made through Alloc
	live, peak int64
}

// Open creates a context on the first CUDA device and loads the embedded
// kernels. It fails when the driver finds no device or the PTX cannot be
// compiled for it.
func Open() (*GPU, error) {
	n, err := cu.NumDevices()
	if err != nil {
		return nil, fmt.Errorf("cuda: count devices: %w", err)
	}
	if n == 0 {
		return nil, ErrNoDevice
	}
	dev, err := cu.GetDevice(0)
	if err != nil {
		return nil, fmt.Errorf("cuda: device 0: %w", err)
	}
	ctx, err := newContext(dev)
	if err != nil {
		return nil, err
	}
	g := &GPU{ctx: ctx, modules: map[string]cu.Module{}, funcs: map[string]cu.Function{}, sizes: map[cu.DevicePtr]int64{}}
	g.name = describe(dev)
	if err := g.Do(g.loadModules); err != nil {
		_ = g.Close()
		return nil, err
	}
	return g, nil
}

// newContext creates a context on a goroutine that locks its OS thread for
// the context's whole life and then serves the context's work queue
// (cu.Ctx.Run). cu panics when the driver refuses a context: the panic
// becomes an error.
func newContext(dev cu.Device) (*cu.Ctx, error) {
	type made struct {
		ctx *cu.Ctx
		err error
	}
	madeCh := make(chan made, 1)
	running := make(chan error, 1)
	go func() {
		// Never unlocked: when Close ends Run, this goroutine returns
		// locked and the runtime retires its thread along with the
		// context's thread state.
		runtime.LockOSThread()
		var ctx *cu.Ctx
		func() {
			defer func() {
				if r := recover(); r != nil {
					madeCh <- made{err: fmt.Errorf("cuda: create context on %v: %v", dev, r)}
				}
			}()
			ctx = cu.NewManuallyManagedContext(dev, cu.SchedAuto)
		}()
		if ctx == nil {
			return
		}
		madeCh <- made{ctx: ctx}
		_ = ctx.Run(running) // errors go to running; closes it once serving
	}()
	m := <-madeCh
	if m.err != nil {
		return nil, m.err
	}
	if err := <-running; err != nil {
		_ = m.ctx.Close()
		return nil, fmt.Errorf("cuda: make context current: %w", err)
	}
	return m.ctx, nil
}

func describe(dev cu.Device) string {
	name, err := dev.Name()
	if err != nil {
		name = dev.String()
	}
	s := name
	if cc, err := dev.Attributes(cu.ComputeCapabilityMajor, cu.ComputeCapabilityMinor); err == nil {
		s += fmt.Sprintf(", compute capability %d.%d", cc[0], cc[1])
	}
	if v := cu.Version(); v > 0 {
		s += fmt.Sprintf(", driver CUDA %d.%d", v/1000, v%1000/10)
	}
	return s
}

// loadModules JIT-compiles each embedded PTX file; runs on the context's thread.
func (g *GPU) loadModules() error {
	return fs.WalkDir(ptxFiles, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := ptxFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(p, ".ptx")
		logBuf := &cu.JITErrorLogBuffer{Buffer: make([]byte, 16<<10)}
		mod, err := cu.LoadDataEx(string(src), logBuf)
		if err != nil {
			msg := strings.TrimSpace(string(logBuf.Buffer[:clen(logBuf.Buffer)]))
			return fmt.Errorf("cuda: load module %s: %w: %s", name, err, msg)
		}
		g.modules[name] = mod
		return nil
	})
}

func clen(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return len(b)
}

// Do runs fn on the context's OS thread, with the context current, and
// returns its error. Use it for several driver calls in a row (the
// package-level functions of gorgonia.org/cu: cu.MemAlloc,
// cu.MemcpyHtoD, fn.Launch...). fn must not call the GPU's methods: they
// would wait for the Do in progress. A panic in fn becomes an error.
func (g *GPU) Do(fn func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return ErrClosed
	}
	return g.ctx.Do(func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("cuda: panic on the context's thread: %v", r)
			}
		}()
		return fn()
	})
}

// Close frees what Alloc allocated and is still live, unloads the
// modules and destroys the context. Later calls fail with ErrClosed.
func (g *GPU) Close() error {
	g.memMu.Lock()
	live := make([]cu.DevicePtr, 0, len(g.sizes))
	for p := range g.sizes {
		live = append(live, p)
	}
	clear(g.sizes)
	g.live = 0
	g.memMu.Unlock()
	err := g.Do(func() error {
		var errs []error
		for _, p := range live {
			errs = append(errs, cu.MemFree(p))
		}
		for _, m := range g.modules {
			errs = append(errs, m.Unload())
		}
		return errors.Join(errs...)
	})
	if errors.Is(err, ErrClosed) {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	if cerr := g.ctx.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return fmt.Errorf("cuda: close: %w", err)
	}
	return nil
}

// Name describes the device: its name, compute capability and the CUDA
// version of the driver.
func (g *GPU) Name() string { return g.name }

// MemInfo returns the device's free and total memory in bytes.
func (g *GPU) MemInfo() (free, total int64, err error) {
	err = g.Do(func() error {
		var e error
		free, total, e = cu.MemInfo()
		return e
	})
	if err != nil {
		return 0, 0, fmt.Errorf("cuda: memory info: %w", err)
	}
	return free, total, nil
}

// Function returns the kernel name of module (the file module.cu).
func (g *GPU) Function(module, name string) (cu.Function, error) {
	key := module + "." + name
	var fn cu.Function
	err := g.Do(func() error {
		if f, ok := g.funcs[key]; ok {
			fn = f
			return nil
		}
		mod, ok := g.modules[module]
		if !ok {
			return fmt.Errorf("cuda: no module %q", module)
		}
		f, err := mod.Function(name)
		if err != nil {
			return fmt.Errorf("cuda: kernel %s in module %s: %w", name, module, err)
		}
		g.funcs[key] = f
		fn = f
		return nil
	})
	return fn, err
}

// Alloc allocates bytes of device memory, counted by PeakBytes until Free.
func (g *GPU) Alloc(bytes int64) (cu.DevicePtr, error) {
	var p cu.DevicePtr
	if bytes <= 0 {
		bytes = 1
	}
	err := g.Do(func() error {
		var err error
		p, err = cu.MemAlloc(bytes)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("cuda: allocate %d bytes: %w", bytes, err)
	}
	g.memMu.Lock()
	g.sizes[p] = bytes
	g.live += bytes
	g.peak = max(g.peak, g.live)
	g.memMu.Unlock()
	return p, nil
}

// Free releases memory from Alloc; 0 is ignored.
func (g *GPU) Free(p cu.DevicePtr) error {
	if p == 0 {
		return nil
	}
	g.memMu.Lock()
	g.live -= g.sizes[p]
	delete(g.sizes, p)
	g.memMu.Unlock()
	if err := g.Do(func() error { return cu.MemFree(p) }); err != nil {
		return fmt.Errorf("cuda: free: %w", err)
	}
	return nil
}

// PeakBytes returns the most device memory held at once through Alloc
// since Open or ResetPeak (the context's own memory is not counted: MemInfo
// shows it).
func (g *GPU) PeakBytes() int64 {
	g.memMu.Lock()
	defer g.memMu.Unlock()
	return g.peak
}

// ResetPeak starts PeakBytes again from the memory held now.
func (g *GPU) ResetPeak() {
	g.memMu.Lock()
	g.peak = g.live
	g.memMu.Unlock()
}

// Elem is a type that device buffers hold.
type Elem interface {
	~float32 | ~float64 | ~int32 | ~uint32 | ~int64 | ~uint64 | ~uint8
}

func byteLen[T Elem](s []T) int64 {
	var z T
	return int64(len(s)) * int64(unsafe.Sizeof(z))
}

// Upload copies src to device memory at dst.
func Upload[T Elem](g *GPU, dst cu.DevicePtr, src []T) error {
	if len(src) == 0 {
		return nil
	}
	err := g.Do(func() error {
		return cu.MemcpyHtoD(dst, unsafe.Pointer(&src[0]), byteLen(src))
	})
	runtime.KeepAlive(src)
	if err != nil {
		return fmt.Errorf("cuda: copy to device: %w", err)
	}
	return nil
}

// Download copies device memory at src to dst; it waits for the kernels
// launched before it.
func Download[T Elem](g *GPU, dst []T, src cu.DevicePtr) error {
	if len(dst) == 0 {
		return nil
	}
	err := g.Do(func() error {
		return cu.MemcpyDtoH(unsafe.Pointer(&dst[0]), src, byteLen(dst))
	})
	runtime.KeepAlive(dst)
	if err != nil {
		return fmt.Errorf("cuda: copy from device: %w", err)
	}
	return nil
}

// AllocUpload allocates device memory for src and copies it there.
func AllocUpload[T Elem](g *GPU, src []T) (cu.DevicePtr, error) {
	p, err := g.Alloc(byteLen(src))
	if err != nil {
		return 0, err
	}
	if err := Upload(g, p, src); err != nil {
		return 0, errors.Join(err, g.Free(p))
	}
	return p, nil
}

func (d Dim3) xyz() (int, int, int) { return max(d.X, 1), max(d.Y, 1), max(d.Z, 1) }

// kernelArgs packs a launch's arguments as cu v0.9.6 wants them: each
// value in an 8-byte word (see argBits) and a pointer to each word. Keep
// vals alive until the launch has returned.
func kernelArgs(args []any) (vals []uint64, ptrs []unsafe.Pointer, err error) {
	vals = make([]uint64, len(args))
	ptrs = make([]unsafe.Pointer, len(args))
	for i, a := range args {
		v, err := argBits(a)
		if err != nil {
			return nil, nil, fmt.Errorf("cuda: launch: argument %d: %w", i, err)
		}
		vals[i] = v
		ptrs[i] = unsafe.Pointer(&vals[i])
	}
	return vals, ptrs, nil
}

// Launch starts fn on the default stream with the given grid, block and
// dynamic shared memory. Each argument is a kernel parameter of at most 8
// bytes: cu.DevicePtr for pointers, int/int32/int64/uint32/uint64 for
// integers (an int parameter of the kernel reads the low 32 bits, so the
// value must fit), float32 or float64. Kernels run asynchronously: their
// errors show at the next Sync or Download.
func (g *GPU) Launch(fn cu.Function, grid, block Dim3, shared int, args ...any) error {
	if err := g.Do(func() error { return launchHere(fn, grid, block, shared, args...) }); err != nil {
		return fmt.Errorf("cuda: launch: %w", err)
	}
	return nil
}

// launchHere is Launch on the context's thread: it runs inside Do, where
// the layout queues an epoch's launches in one trip.
func launchHere(fn cu.Function, grid, block Dim3, shared int, args ...any) error {
	vals, ptrs, err := kernelArgs(args)
	if err != nil {
		return err
	}
	gx, gy, gz := grid.xyz()
	bx, by, bz := block.xyz()
	err = fn.Launch(gx, gy, gz, bx, by, bz, shared, cu.Stream{}, ptrs)
	runtime.KeepAlive(vals)
	return err
}

// argBits returns the little-endian bits of a kernel argument in 8 bytes:
// cu's Launch copies 8 bytes per parameter, and the driver reads the
// parameter's size from their start.
func argBits(a any) (uint64, error) {
	switch v := a.(type) {
	case cu.DevicePtr:
		return uint64(v), nil
	case int:
		return uint64(int64(v)), nil
	case int32:
		return uint64(int64(v)), nil
	case int64:
		return uint64(v), nil
	case uint32:
		return uint64(v), nil
	case uint64:
		return v, nil
	case float32:
		return uint64(math.Float32bits(v)), nil
	case float64:
		return math.Float64bits(v), nil
	}
	return 0, fmt.Errorf("type %T is not a kernel parameter (want cu.DevicePtr, an integer or a float)", a)
}
