// Package render draws a topic map or a Bourdieu map for people: an SVG, a
// PNG, or one self-contained interactive HTML file, from the service's
// results (topicmap.TopicsResponse, topicmap.BourdieuResponse). It is used
// by the API and the command line alike and knows nothing of HTTP.
//
// # Pictures (SVG, PNG)
//
// Both are drawn by one function on a gonum.org/v1/plot/vg.Canvas: its SVG
// back end (vgsvg, with the Liberation Sans font embedded in the file) and
// its raster back end (vgimg, which rasterises text with the same embedded
// font), so that a picture is the same on a machine without system fonts.
// Documents are points coloured by topic; each topic has its hull, its
// name at its centroid and a line in the legend with its size. Topic
// colours come from Paul Tol's colour-blind-safe qualitative schemes
// ("muted" on the light theme, "light" on the dark one; nine colours, then
// they repeat). A Bourdieu map adds its two axes, the words at their ends
// and the share of documents in each quadrant.
//
// Labels never overlap: topics are labelled from the largest down; a label
// that would overlap one already placed (or leave the plot) is moved to the
// nearest free place around its centroid, with a leader line, then tried
// in a smaller font, and otherwise left out, which the legend says.
//
// # Orientation of the Bourdieu map
//
// A document's Bourdieu coordinate is positive towards the left (top) words
// of its axis (package bourdieu). The picture mirrors x so that the x axis'
// left words are on the left, as the query reads.
//
// # HTML
//
// One file with the data inlined and no network access: pan and zoom,
// hover, topics listed with their top documents, search and topic
// toggles, drawn on a canvas (map.js, embedded with go:embed). Document
// texts are cut to Options.TextChars characters to keep the file small;
// hover and search see the cut text.
package render
