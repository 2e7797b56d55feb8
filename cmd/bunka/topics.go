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
	"runtime/pprof"
	"strings"
	"time"

	"github.com/bunkatopics/bunka-go/internal/csvdocs"
	"github.com/bunkatopics/bunka-go/internal/engine"
	"github.com/bunkatopics/bunka-go/internal/npy"
	"github.com/bunkatopics/bunka-go/internal/pipeline"
	"github.com/bunkatopics/bunka-go/internal/render"
	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

func runTopics(ctx context.Context, args []string) error {
	return topicsCmd(ctx, args, os.Stdout, os.Stderr)
}

// wordList is a flag holding comma-separated words.
type wordList []string

func (w *wordList) String() string { return strings.Join(*w, ",") }

func (w *wordList) Set(s string) error {
	*w = nil
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			*w = append(*w, x)
		}
	}
	return nil
}

// topicsCmd implements "bunka topics": read one column of a CSV, compute its
// topic map (and Bourdieu map), write the API's TopicsResponse JSON.
func topicsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	start := time.Now()
	def := topicmap.DefaultTopicParam()
	dq := topicmap.DefaultBourdieuQuery()
	fs := flag.NewFlagSet("topics", flag.ContinueOnError)
	fs.SetOutput(stderr)
	csvPath := fs.String("csv", "", "input CSV file with a header row (required)")
	column := fs.String("column", "text", "column holding the documents")
	idColumn := fs.String("id-column", "", "optional column of document ids (default: generated ids)")
	nClusters := fs.Int("n-clusters", def.NClusters, "number of topics (k-means clusters)")
	nameLength := fs.Int("name-length", def.NameLength, "terms in a topic name")
	minCount := fs.Int("min-count-terms", def.MinCountTerms, "least count of a term that may name a topic")
	topTerms := fs.Int("top-terms-overall", def.TopTermsOverall, "most frequent terms considered")
	language := fs.String("language", "auto", "language of the documents (english, french, ...) or auto to detect it")
	embPath := fs.String("embeddings", "", "optional pre-computed embeddings, a 2-D .npy with one row per CSV row")
	withBourdieu := fs.Bool("bourdieu", false, "also compute the Bourdieu map")
	xLeft, xRight, yTop, yBottom := wordList(dq.XLeftWords), wordList(dq.XRightWords), wordList(dq.YTopWords), wordList(dq.YBottomWords)
	fs.Var(&xLeft, "x-left", "comma-separated words of the x axis' left end")
	fs.Var(&xRight, "x-right", "comma-separated words of the x axis' right end")
	fs.Var(&yTop, "y-top", "comma-separated words of the y axis' top end")
	fs.Var(&yBottom, "y-bottom", "comma-separated words of the y axis' bottom end")
	radius := fs.Float64("radius", dq.RadiusSize, "Bourdieu map: leave out documents closer to the centre than max(x) * radius")
	out := fs.String("out", "", "output JSON file (default: standard output)")
	withEmb := fs.Bool("include-embeddings", false, "keep each document's embedding in the JSON")
	limit := fs.Int("limit", 0, "refuse CSV files with more rows than this (0: no limit)")
	seed := fs.Int64("seed", 42, "random seed (the original uses 42)")
	verbose := fs.Bool("v", false, "log each stage's timing")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the computation (pprof) to this file")
	var maps mapFiles
	maps.register(fs)
	view := fs.String("view", "topics", "which map --svg, --png and --html draw: topics or bourdieu (needs --bourdieu)")
	devFlag := deviceFlag(fs)
	cleanTopics := fs.Bool("clean-topics", false, "name the topics with an LLM (key in OPEN_AI_KEY or OPENAI_API_KEY; OPEN_AI_ORG_ID, OPENAI_BASE_URL, BUNKA_LLM_MODEL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *csvPath == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("need --csv FILE and no other arguments")
	}
	dev, err := devFlag.device(os.LookupEnv)
	if err != nil {
		return err
	}
	mapView, err := render.ParseView(*view)
	if err != nil {
		return err
	}
	if mapView == render.ViewBourdieu && !*withBourdieu {
		return errors.New("--view bourdieu needs --bourdieu")
	}

	texts, ids, rows, nRows, err := readDocs(*csvPath, *column, *idColumn, *limit)
	if err != nil {
		return err
	}
	in := pipeline.Input{
		Texts: texts,
		IDs:   ids,
		Param: topicmap.TopicParam{
			NClusters:       *nClusters,
			Ngrams:          def.Ngrams,
			NameLength:      *nameLength,
			TopTermsOverall: *topTerms,
			Language:        *language,
			CleanTopics:     *cleanTopics,
			MinCountTerms:   *minCount,
		},
		IncludeEmbeddings: *withEmb,
	}
	if *embPath != "" {
		if in.Embeddings, err = readEmbeddings(*embPath, rows, nRows); err != nil {
			return err
		}
	}
	if *withBourdieu {
		in.Bourdieu = &topicmap.BourdieuQuery{
			XLeftWords: xLeft, XRightWords: xRight, YTopWords: yTop, YBottomWords: yBottom, RadiusSize: *radius,
		}
	}

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	// The same devices, embedder and namer as the worker's (BUNKA_DEVICE,
	// BUNKA_EMBEDDER, OPEN_AI_KEY, ...), --device standing for BUNKA_DEVICE.
	cfg, release, err := engine.PipelineConfig(withEnv(os.LookupEnv, "BUNKA_DEVICE", string(dev)), logger)
	if err != nil {
		return err
	}
	defer release()
	cfg.Seed = *seed
	p := pipeline.New(cfg)
	lastStage := ""
	progress := func(stage string, pct float64) {
		if stage != lastStage || *verbose {
			fmt.Fprintf(stderr, "[%5.1f%%] %s\n", pct, stage)
			lastStage = stage
		}
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	res, _, err := p.Topics(ctx, in, progress)
	stopProfile()
	if err != nil {
		return err
	}

	w := stdout
	var f *os.File
	if *out != "" {
		if f, err = os.Create(*out); err != nil {
			return err
		}
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	err = json.NewEncoder(bw).Encode(res)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("writing the result: %w", err)
	}
	fmt.Fprintf(stderr, "%d documents, %d topics in %.1f s\n", len(res.Docs), len(res.Topics), time.Since(start).Seconds())
	for _, t := range res.Topics {
		fmt.Fprintf(stderr, "  %-6s %5d  %s\n", t.TopicID, *t.Size, t.Name)
	}
	if !maps.any() {
		return nil
	}
	m, err := render.FromTopics(res, mapView)
	if err != nil {
		return err
	}
	return maps.write(m, stderr)
}

// readDocs reads the documents of a CSV column (and their ids), with the
// number of each document's data row and the count of data rows.
func readDocs(path, column, idColumn string, limit int) (texts, ids []string, rows []int, nRows int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	defer f.Close()
	columns := []string{column}
	if idColumn != "" {
		columns = append(columns, idColumn)
	}
	t, err := csvdocs.ReadTable(f, limit, columns...)
	if err != nil {
		return nil, nil, nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	col, err := t.Column(column)
	if err != nil {
		return nil, nil, nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	texts, rows = t.Values(col)
	if idColumn != "" {
		ic, err := t.Column(idColumn)
		if err != nil {
			return nil, nil, nil, 0, fmt.Errorf("%s: %w", path, err)
		}
		cells := t.Cells(ic)
		ids = make([]string, len(rows))
		for i, r := range rows {
			ids[i] = cells[r]
		}
	}
	return texts, ids, rows, t.Len, nil
}

// readEmbeddings reads a .npy of one row per CSV data row (or one per
// document) and returns the documents' rows.
func readEmbeddings(path string, rows []int, nRows int) ([][]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := npy.Read(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch len(m) {
	case len(rows):
		return m, nil
	case nRows:
		out := make([][]float32, len(rows))
		for i, r := range rows {
			out[i] = m[r]
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: %d rows, the CSV has %d rows and %d documents", path, len(m), nRows, len(rows))
}

// startCPUProfile starts a CPU profile into path ("": none) and returns
// what stops it.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
