// Command synthmap writes a synthetic topics result (render.Synthetic) of
// n documents as JSON, the input of scripts/bench_map.sh: the shared
// corpora stop at 10,000 documents and the HTML map is measured at 100,000.
//
//	go run ./scripts/synthmap -n 100000 -k 20 > map.json
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/bunkatopics/bunka-go/internal/render"
)

func main() {
	n := flag.Int("n", 100000, "documents")
	k := flag.Int("k", 20, "topics")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	err := json.NewEncoder(w).Encode(render.Synthetic(*n, *k, *seed))
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "synthmap:", err)
		os.Exit(1)
	}
}
