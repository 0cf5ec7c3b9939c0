package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strings"
	"sync"
)

// The simplified 2025 boundaries of the 34 provinces and 3,321 communes, keyed by
// official code. Credit (see geodata/SOURCE.md): boundaries from
// sapnhap.bando.com.vn (NXB Tài nguyên – Môi trường và Bản đồ Việt Nam), via
// thanglequoc/vietnamese-provinces-database (MIT).
//
//go:embed geodata/*.topojson
var geoFS embed.FS

// MapCredit is shown under every map.
const MapCredit = "Ranh giới: sapnhap.bando.com.vn (NXB Tài nguyên – Môi trường và Bản đồ Việt Nam), qua thanglequoc/vietnamese-provinces-database (MIT)"

type topology struct {
	Arcs      [][][2]float64 `json:"arcs"`
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]struct {
		Geometries []struct {
			Type       string          `json:"type"`
			Arcs       json.RawMessage `json:"arcs"`
			Properties struct {
				Code string `json:"code"`
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"geometries"`
	} `json:"objects"`
}

// shapes are the polygons of each code, as rings of lon/lat points.
type shapes map[string][][][2]float64

var (
	shapesOnce    sync.Once
	shapesByLevel map[string]shapes
	shapesErr     error
)

// loadShapes decodes both layers once: delta-encoded, quantized arcs stitched into
// rings (a negative arc index ~i is arc i reversed).
func loadShapes() (map[string]shapes, error) {
	shapesOnce.Do(func() {
		shapesByLevel = map[string]shapes{}
		for level, file := range map[string]string{"province": "provinces_2025.topojson", "commune": "communes_2025.topojson"} {
			sh, err := decodeTopology(file)
			if err != nil {
				shapesErr = err
				return
			}
			shapesByLevel[level] = sh
		}
	})
	return shapesByLevel, shapesErr
}

func decodeTopology(file string) (shapes, error) {
	b, err := geoFS.ReadFile("geodata/" + file)
	if err != nil {
		return nil, err
	}
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	arcs := make([][][2]float64, len(t.Arcs))
	for i, a := range t.Arcs {
		var x, y float64
		pts := make([][2]float64, len(a))
		for j, d := range a {
			x, y = x+d[0], y+d[1]
			pts[j] = [2]float64{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
		}
		arcs[i] = pts
	}
	out := shapes{}
	for _, obj := range t.Objects {
		for _, g := range obj.Geometries {
			var polys [][][]int
			switch g.Type {
			case "Polygon":
				var p [][]int
				if err := json.Unmarshal(g.Arcs, &p); err != nil {
					return nil, err
				}
				polys = [][][]int{p}
			case "MultiPolygon":
				if err := json.Unmarshal(g.Arcs, &polys); err != nil {
					return nil, err
				}
			}
			for _, p := range polys {
				for _, ring := range p {
					out[g.Properties.Code] = append(out[g.Properties.Code], stitch(arcs, ring))
				}
			}
		}
	}
	return out, nil
}

func stitch(arcs [][][2]float64, ring []int) [][2]float64 {
	var pts [][2]float64
	for _, i := range ring {
		var a [][2]float64
		if i < 0 {
			a = reversed(arcs[^i])
		} else {
			a = arcs[i]
		}
		if len(pts) > 0 {
			a = a[1:] // arcs share their end points
		}
		pts = append(pts, a...)
	}
	return pts
}

func reversed(a [][2]float64) [][2]float64 {
	out := make([][2]float64, len(a))
	for i, p := range a {
		out[len(a)-1-i] = p
	}
	return out
}

// MapArea is one coloured area of a choropleth.
type MapArea struct {
	Code  string
	Name  string
	Path  template.HTMLAttr // d="…"
	Fill  string
	Label string // shown on hover
	Href  string
}

// Choropleth is an SVG map of child units.
type Choropleth struct {
	Width, Height int
	Areas         []MapArea
	Legend        []LegendItem
}

// LegendItem explains a colour.
type LegendItem struct {
	Fill  string
	Label string
}

// buildMap projects the units' shapes into a width-wide SVG (equirectangular with the
// middle latitude's cosine, north up) and drops points closer than a pixel.
func buildMap(level string, areas []MapArea, width int) (*Choropleth, error) {
	all, err := loadShapes()
	if err != nil {
		return nil, err
	}
	sh := all[level]
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, a := range areas {
		for _, ring := range sh[a.Code] {
			for _, p := range ring {
				minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
				minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
			}
		}
	}
	if math.IsInf(minX, 0) {
		return nil, nil // no geometry for these units (villages, old units)
	}
	k := math.Cos((minY + maxY) / 2 * math.Pi / 180)
	scale := float64(width) / ((maxX - minX) * k)
	height := int(math.Ceil((maxY - minY) * scale))
	m := &Choropleth{Width: width, Height: height}
	for _, a := range areas {
		var b strings.Builder
		for _, ring := range sh[a.Code] {
			lastX, lastY := math.Inf(1), math.Inf(1)
			for i, p := range ring {
				x, y := (p[0]-minX)*k*scale, (maxY-p[1])*scale
				if i > 0 && math.Abs(x-lastX) < 1 && math.Abs(y-lastY) < 1 {
					continue
				}
				cmd := "L"
				if i == 0 {
					cmd = "M"
				}
				fmt.Fprintf(&b, "%s%.0f %.0f", cmd, x, y)
				lastX, lastY = x, y
			}
			b.WriteString("Z")
		}
		a.Path = template.HTMLAttr(fmt.Sprintf("d=%q", b.String()))
		m.Areas = append(m.Areas, a)
	}
	return m, nil
}

// rateColours bucket a coverage rate: red below 80 %, orange below 90 %, yellow below
// the target (or 95 %), green at or above it.
func rateColour(rate *float64, target float64) string {
	switch {
	case rate == nil:
		return "#d9dee3"
	case *rate >= target:
		return "#1a9850"
	case *rate >= 90:
		return "#fee08b"
	case *rate >= 80:
		return "#fc8d59"
	}
	return "#d73027"
}

// gapColour shades by the persons still needed, relative to the largest gap.
func gapColour(gap, maxGap int64) string {
	if maxGap <= 0 || gap <= 0 {
		return "#1a9850"
	}
	steps := []string{"#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"}
	i := int(float64(gap) / float64(maxGap) * float64(len(steps)))
	if i >= len(steps) {
		i = len(steps) - 1
	}
	return steps[i]
}
