package render

import (
	"fmt"
	"image/png"
	"io"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// SVG writes m as an SVG picture of o.Width x o.Height points, with its
// font embedded.
func (m *Map) SVG(w io.Writer, o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	c := vgsvg.NewWith(vgsvg.UseWH(vg.Length(o.Width), vg.Length(o.Height)), vgsvg.EmbedFonts(true))
	m.draw(c, o)
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("render: svg: %w", err)
	}
	return nil
}

// PNG writes m as a PNG image of o.Width*o.Scale x o.Height*o.Scale pixels.
func (m *Map) PNG(w io.Writer, o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	// vg lengths are points; at 72*scale dots per inch a point is scale pixels.
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(o.Width), vg.Length(o.Height)), vgimg.UseDPI(int(72*o.Scale+0.5)))
	m.draw(c, o)
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, c.Image()); err != nil {
		return fmt.Errorf("render: png: %w", err)
	}
	return nil
}

func (m *Map) title(o Options) string {
	if o.Title != "" {
		return o.Title
	}
	return m.Title()
}
