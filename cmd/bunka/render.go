package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bunkatopics/bunka-go/internal/render"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

func runRender(ctx context.Context, args []string) error {
	return renderCmd(ctx, args, os.Stderr)
}

// mapFiles are the flags that ask for renderings of a map, shared by
// "bunka render" and "bunka topics".
type mapFiles struct {
	svg, png, html string
	opt            render.Options
}

func (f *mapFiles) register(fs *flag.FlagSet) {
	fs.StringVar(&f.svg, "svg", "", "write the map as an SVG picture to this file")
	fs.StringVar(&f.png, "png", "", "write the map as a PNG image to this file")
	fs.StringVar(&f.html, "html", "", "write the map as one self-contained interactive HTML file")
	fs.IntVar(&f.opt.Width, "width", 1200, "map width in CSS pixels")
	fs.IntVar(&f.opt.Height, "height", 800, "map height in CSS pixels")
	fs.Float64Var(&f.opt.Scale, "scale", 1, "PNG pixels per CSS pixel")
	fs.BoolVar(&f.opt.Dark, "dark", false, "dark theme")
	fs.BoolVar(&f.opt.Contours, "contours", false, "SVG, PNG: draw density contours under the points")
	fs.StringVar(&f.opt.Title, "title", "", "map title (default: what it shows)")
}

func (f *mapFiles) any() bool { return f.svg != "" || f.png != "" || f.html != "" }

// write renders m into each requested file.
func (f *mapFiles) write(m *render.Map, stderr io.Writer) error {
	for _, out := range []struct {
		path string
		fn   func(io.Writer, render.Options) error
	}{{f.svg, m.SVG}, {f.png, m.PNG}, {f.html, m.HTML}} {
		if out.path == "" {
			continue
		}
		if err := writeFile(out.path, func(w io.Writer) error { return out.fn(w, f.opt) }); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", out.path)
	}
	return nil
}

// writeFile creates path and writes it with fn, through a buffer.
func writeFile(path string, fn func(io.Writer) error) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(file, 1<<16)
	err = fn(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// renderCmd implements "bunka render": draw the map of a result JSON (a
// TopicsResponse, as "bunka topics" and GET /tasks/topics/{id}/result
// write it, or a BourdieuResponse).
func renderCmd(_ context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bunka render [flags] result.json")
		fs.PrintDefaults()
	}
	var files mapFiles
	files.register(fs)
	view := fs.String("view", "topics", "which map of a topics result: topics or bourdieu")
	// Flags may follow the file name too.
	var pos []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) != 1 || !files.any() {
		fs.Usage()
		return errors.New("need one result file and at least one of --svg, --png, --html")
	}
	v, err := render.ParseView(*view)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	m, err := readMap(b, v)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	return files.write(m, stderr)
}

// readMap decodes a TopicsResponse or a BourdieuResponse (told apart by
// the latter's "query") and returns its map for view v.
func readMap(b []byte, v render.View) (*render.Map, error) {
	var probe struct {
		Query *json.RawMessage `json:"query"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("not a result JSON: %w", err)
	}
	if probe.Query != nil {
		var res topicmap.BourdieuResponse
		if err := json.NewDecoder(bytes.NewReader(b)).Decode(&res); err != nil {
			return nil, fmt.Errorf("not a Bourdieu result: %w", err)
		}
		return render.FromBourdieu(&res), nil
	}
	var res topicmap.TopicsResponse
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("not a topics result: %w", err)
	}
	return render.FromTopics(&res, v)
}
