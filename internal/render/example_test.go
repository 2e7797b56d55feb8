package render_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"

	"github.com/bunkatopics/bunka-go/internal/render"
)

// A topics result drawn as a PNG of 400 x 300 CSS pixels at scale 2.
func ExampleMap_PNG() {
	res := render.Synthetic(500, 4, 1) // a stand-in for a TopicsResponse
	m, err := render.FromTopics(res, render.ViewTopics)
	if err != nil {
		log.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.PNG(&b, render.Options{Width: 400, Height: 300, Scale: 2}); err != nil {
		log.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Title())
	fmt.Println(img.Bounds().Size())
	// Output:
	// Topic map: 500 documents, 4 topics
	// (800,600)
}
