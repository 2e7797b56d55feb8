package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/bunkatopics/bunka-go/internal/engine"
	"github.com/bunkatopics/bunka-go/internal/knn"
	"github.com/bunkatopics/bunka-go/internal/npy"
	"github.com/bunkatopics/bunka-go/internal/umap"
)

func runProject(ctx context.Context, args []string) error {
	return project(ctx, args, os.Stdout, os.Stderr)
}

// projectReport is the JSON line printed on success.
type projectReport struct {
	N             int     `json:"n"`
	Dim           int     `json:"dim"`
	Seconds       float64 `json:"seconds"`        // projection only (k-NN, graph, layout)
	SecondsKNN    float64 `json:"seconds_knn"`    // of which the neighbour search
	SecondsLayout float64 `json:"seconds_layout"` // of which the SGD layout
	SecondsTotal  float64 `json:"seconds_total"`  // including reading and writing
	Neighbors     int     `json:"neighbors"`
	MinDist       float64 `json:"min_dist"`
	Metric        string  `json:"metric"`
	Epochs        int     `json:"epochs"`
	Seed          int64   `json:"seed"`
	Workers       int     `json:"workers"`
	DeviceKNN     string  `json:"device_knn"`    // cpu or cuda
	DeviceLayout  string  `json:"device_layout"` // cpu or cuda
	Out           string  `json:"out"`
}

// project implements "bunka project": read a 2-D .npy, project it with
// UMAP, write x,y rows in input order to a CSV, print one JSON line.
func project(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	fs := flag.NewFlagSet("project", flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "input .npy file: 2-D float32 or float64, one row per point (required)")
	out := fs.String("out", "", "output CSV with header x,y, rows in input order (required)")
	neighbors := fs.Int("neighbors", 15, "neighbours per point, counting the point itself")
	minDist := fs.Float64("min-dist", 0.1, "minimum distance between points in the layout")
	metricName := fs.String("metric", "euclidean", "distance: euclidean or cosine")
	epochs := fs.Int("epochs", 0, "layout epochs (0: 500 up to 10,000 points, 200 above)")
	seed := fs.Int64("seed", 42, "random seed (the original service uses 42)")
	workers := fs.Int("workers", 0, "goroutines (0: GOMAXPROCS)")
	devFlag := deviceFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("need --in and --out and no other arguments")
	}
	metric, err := knn.ParseMetric(*metricName)
	if err != nil {
		return err
	}
	dev, err := devFlag.device(os.LookupEnv)
	if err != nil {
		return err
	}
	// The k-NN search and the layout on the GPU or the CPU, as the worker
	// chooses them; the choice and its reason are logged on stderr.
	num, err := engine.OpenNumeric(dev, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer num.Close()
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	data, err := npy.Read(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	if len(data) == 0 {
		return fmt.Errorf("%s: no rows: the array has shape (0, n), nothing to project", *in)
	}
	dim := len(data[0])
	if dim == 0 {
		return fmt.Errorf("%s: no columns: the array has shape (%d, 0), nothing to project", *in, len(data))
	}
	opt := umap.Options{
		Neighbors: *neighbors, MinDist: *minDist, Metric: metric,
		Epochs: *epochs, Seed: *seed, Workers: *workers,
		Searcher: num.Searcher, Layout: num.Layout,
	}
	t0 := time.Now()
	var tKNN, tInit time.Time
	opt.Progress = func(f float64) {
		// umap.Project reports 0.3 after the neighbours, 0.35 after the
		// graph and initial layout
		if f >= 0.3 && tKNN.IsZero() {
			tKNN = time.Now()
		}
		if f >= 0.35 && tInit.IsZero() {
			tInit = time.Now()
		}
	}
	coords, err := umap.Project(ctx, data, opt)
	if err != nil {
		return err
	}
	t1 := time.Now()
	secs := t1.Sub(t0).Seconds()
	var secsKNN, secsLayout float64
	if !tKNN.IsZero() && !tInit.IsZero() {
		secsKNN, secsLayout = tKNN.Sub(t0).Seconds(), t1.Sub(tInit).Seconds()
	}
	if err := writeCSV(*out, coords); err != nil {
		return err
	}
	nEpochs := *epochs
	if nEpochs <= 0 {
		nEpochs = 500
		if len(data) > 10000 {
			nEpochs = 200
		}
	}
	w := *workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return json.NewEncoder(stdout).Encode(projectReport{
		N: len(data), Dim: dim, Seconds: round3(secs),
		SecondsKNN: round3(secsKNN), SecondsLayout: round3(secsLayout), SecondsTotal: round3(time.Since(start).Seconds()),
		Neighbors: *neighbors, MinDist: *minDist, Metric: metric.String(), Epochs: nEpochs,
		Seed: *seed, Workers: w, DeviceKNN: string(num.Devices.KNN), DeviceLayout: string(num.Devices.Layout), Out: *out,
	})
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

func writeCSV(path string, coords [][2]float32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	bw.WriteString("x,y\n")
	var buf []byte
	for _, c := range coords {
		buf = strconv.AppendFloat(buf[:0], float64(c[0]), 'g', -1, 32)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, float64(c[1]), 'g', -1, 32)
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
