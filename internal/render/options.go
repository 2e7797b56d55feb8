package render

import (
	"fmt"
	"image/color"
)

// Options tune a rendering. The zero value of each field means its default.
type Options struct {
	Width, Height int     // size in CSS pixels (SVG points); default 1200 x 800
	Scale         float64 // PNG pixels per CSS pixel; default 1 (2 for high-density screens)
	Dark          bool    // the dark theme
	Title         string  // default Map.Title()
	Contours      bool    // SVG, PNG: density contours under the points
	TextChars     int     // HTML: characters kept of each document's text; default 200
}

// Limits on the options, so that a request cannot ask for a huge image.
const (
	MinSide   = 200  // fewest CSS pixels on a side
	MaxSide   = 8000 // most CSS pixels on a side
	MinScale  = 0.25
	MaxScale  = 4
	MaxPixels = 64 << 20 // most PNG pixels (256 MB of RGBA)
)

// Check reports options out of their limits.
func (o Options) Check() error { return o.fill() }

func (o *Options) fill() error {
	if o.Width == 0 {
		o.Width = 1200
	}
	if o.Height == 0 {
		o.Height = 800
	}
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.TextChars == 0 {
		o.TextChars = 200
	}
	switch {
	case o.Width < MinSide || o.Width > MaxSide || o.Height < MinSide || o.Height > MaxSide:
		return fmt.Errorf("render: width and height must lie in [%d, %d], not %d x %d", MinSide, MaxSide, o.Width, o.Height)
	case !(o.Scale >= MinScale && o.Scale <= MaxScale):
		return fmt.Errorf("render: scale must lie in [%g, %d], not %g", MinScale, MaxScale, o.Scale)
	case float64(o.Width)*float64(o.Height)*o.Scale*o.Scale > MaxPixels:
		return fmt.Errorf("render: %d x %d at scale %g is over %d pixels", o.Width, o.Height, o.Scale, MaxPixels)
	case o.TextChars < 0:
		return fmt.Errorf("render: text chars must be positive, not %d", o.TextChars)
	}
	return nil
}

// Theme is the colours of a rendering.
type Theme struct {
	Background, Text, Muted, Axis, LabelBox color.NRGBA
	Palette                                 []color.NRGBA
}

// Paul Tol's qualitative schemes (https://personal.sron.nl/~pault/):
// "muted" reads well on white, "light" on a dark background; both are
// distinct for the common kinds of colour blindness. Each has nine
// colours; a tenth (Okabe and Ito's orange, Tol's vibrant magenta) covers
// the default of ten topics before the colours repeat.
var (
	tolMuted = []color.NRGBA{hex(0xCC6677), hex(0x332288), hex(0xDDCC77), hex(0x117733), hex(0x88CCEE),
		hex(0x882255), hex(0x44AA99), hex(0x999933), hex(0xAA4499), hex(0xE69F00)}
	tolLight = []color.NRGBA{hex(0x77AADD), hex(0xEE8866), hex(0xEEDD88), hex(0xFFAABB), hex(0x99DDFF),
		hex(0x44BB99), hex(0xBBCC33), hex(0xAAAA00), hex(0xDDDDDD), hex(0xEE3377)}
)

// ThemeOf returns the light or the dark theme.
func ThemeOf(dark bool) Theme {
	if dark {
		return Theme{Background: hex(0x1B1D22), Text: hex(0xECECEC), Muted: hex(0x9A9DA5), Axis: hex(0x6B6F78),
			LabelBox: color.NRGBA{0x1B, 0x1D, 0x22, 0xD9}, Palette: tolLight}
	}
	return Theme{Background: hex(0xFFFFFF), Text: hex(0x222222), Muted: hex(0x6B6B6B), Axis: hex(0x9A9A9A),
		LabelBox: color.NRGBA{0xFF, 0xFF, 0xFF, 0xD9}, Palette: tolMuted}
}

// Colour returns topic i's colour (grey for -1, documents without a topic).
func (t Theme) Colour(i int) color.NRGBA {
	if i < 0 {
		return t.Muted
	}
	return t.Palette[i%len(t.Palette)]
}

func hex(v uint32) color.NRGBA {
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xFF}
}

// cssColour writes c as #rrggbb.
func cssColour(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }
