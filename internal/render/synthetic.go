package render

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/bunkatopics/bunka-go/internal/topicmap"
)

// Synthetic returns a topics result of n documents in k round clusters,
// with hulls, centroids, names and texts, the same for the same seed: the
// input of the package's tests and of the map benchmarks
// (scripts/bench_map.sh), which need maps larger than the shared corpora.
func Synthetic(n, k int, seed uint64) *topicmap.TopicsResponse {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	words := []string{"network", "python", "library", "server", "graphics", "audio", "kernel", "font",
		"database", "science", "game", "editor", "shell", "web", "compiler", "driver", "math", "image"}
	res := &topicmap.TopicsResponse{Terms: []topicmap.Term{}}
	cx, cy, sd := make([]float64, k), make([]float64, k), make([]float64, k)
	for t := range k {
		a := 2 * math.Pi * float64(t) / float64(k)
		r := 4 + 3*rng.Float64()
		cx[t], cy[t], sd[t] = r*math.Cos(a), r*math.Sin(a), 0.4+0.6*rng.Float64()
	}
	sum := make([][2]float64, k)
	members := make([][]int, k)
	for i := range n {
		t := int(float64(k) * math.Pow(rng.Float64(), 1.6)) // unequal topic sizes
		x := cx[t] + sd[t]*rng.NormFloat64()
		y := cy[t] + sd[t]*rng.NormFloat64()
		id := fmt.Sprintf("bt-%d", t)
		text := fmt.Sprintf("Document %d about %s and %s, with %s support for the %s %d.", i,
			words[t%len(words)], words[(t+i)%len(words)], words[(3*i+t)%len(words)], words[(i/7)%len(words)], i%97)
		res.Docs = append(res.Docs, topicmap.Document{DocID: fmt.Sprintf("doc-%d", i), Content: text,
			X: &x, Y: &y, TopicID: &id, TermID: []string{}})
		sum[t][0] += x
		sum[t][1] += y
		members[t] = append(members[t], i)
	}
	for t := range k {
		size := len(members[t])
		if size == 0 {
			continue
		}
		mx, my := sum[t][0]/float64(size), sum[t][1]/float64(size)
		var hull topicmap.ConvexHull
		for j := range 24 { // a circle of two standard deviations
			a := 2 * math.Pi * float64(j) / 24
			hull.XCoordinates = append(hull.XCoordinates, mx+2*sd[t]*math.Cos(a))
			hull.YCoordinates = append(hull.YCoordinates, my+2*sd[t]*math.Sin(a))
		}
		var top []string
		for _, i := range members[t][:min(3, size)] {
			top = append(top, res.Docs[i].Content)
		}
		name := strings.Join([]string{words[t%len(words)], words[(t+5)%len(words)], words[(t+11)%len(words)]}, " | ")
		if t >= len(words) {
			name += fmt.Sprintf(" | %d", t)
		}
		res.Topics = append(res.Topics, topicmap.Topic{TopicID: fmt.Sprintf("bt-%d", t), Name: name,
			XCentroid: &mx, YCentroid: &my, Size: &size, TopDocContent: top, TermID: []string{}, ConvexHull: &hull})
	}
	return res
}
