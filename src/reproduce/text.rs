//! Text for the figures, laid out with ab_glyph directly: each glyph placed at its sub-pixel
//! position with the font's kerning and side bearings. plotters 0.3.7's own ab_glyph path
//! drops every glyph's left side bearing and truncates its position to whole pixels, which
//! spaces letters unevenly; titles, legends, axis names, categories and annotations are drawn
//! here instead (plotters keeps only the numeric tick labels).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::coord::Shift;
use plotters::prelude::*;

/// A drawing area of a figure.
pub type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Where a line of text sits relative to its anchor point, horizontally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// The anchor is the text's left end.
    Left,
    /// The anchor is the text's middle.
    Centre,
    /// The anchor is the text's right end.
    Right,
}

/// A font at a size: the height of its line (ascent to descent), in pixels, as plotters
/// sizes its own text.
pub struct Writer<'f> {
    font: FontRef<'f>,
    scale: PxScale,
}

impl<'f> Writer<'f> {
    /// `font` (TrueType/OpenType bytes) with lines `size_px` high; `None` if the bytes are not
    /// a font.
    pub fn new(font: &'f [u8], size_px: f32) -> Option<Self> {
        Some(Writer {
            font: FontRef::try_from_slice(font).ok()?,
            scale: PxScale::from(size_px),
        })
    }

    /// Width of `text` on one line, pixels.
    pub fn width_px(&self, text: &str) -> f32 {
        let font = self.font.as_scaled(self.scale);
        let mut width = 0.0;
        let mut previous = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = previous {
                width += font.kern(p, id);
            }
            width += font.h_advance(id);
            previous = Some(id);
        }
        width
    }

    /// Height of a line (ascent to descent), pixels.
    pub fn height_px(&self) -> f32 {
        let font = self.font.as_scaled(self.scale);
        font.ascent() - font.descent()
    }

    /// Draws `text` in `colour` on `area` with the top of its line at `y` and its anchor at
    /// `x` (pixels of `area`), anti-aliased over what is there.
    pub fn draw<C: Color>(
        &self,
        area: &Area<'_>,
        text: &str,
        (x, y): (f32, f32),
        align: Align,
        colour: &C,
    ) -> Result<(), String> {
        paint(area, self.coverage(text, (x, y), align), colour)
    }

    /// Like [`Writer::draw`] on a white box a little larger than the text, so lines behind
    /// it do not cross it.
    pub fn draw_on_white<C: Color>(
        &self,
        area: &Area<'_>,
        text: &str,
        (x, y): (f32, f32),
        align: Align,
        colour: &C,
    ) -> Result<(), String> {
        let left = self.left(text, x, align);
        let corners = [
            ((left - 4.0) as i32, (y - 2.0) as i32),
            (
                (left + self.width_px(text) + 4.0) as i32,
                (y + self.height_px() + 2.0) as i32,
            ),
        ];
        area.draw(&Rectangle::new(corners, WHITE.filled()))
            .map_err(|e| e.to_string())?;
        self.draw(area, text, (x, y), align, colour)
    }

    /// Draws `text` reading upwards (turned 90° anticlockwise), centred on `(x, y)`.
    pub fn draw_upwards<C: Color>(
        &self,
        area: &Area<'_>,
        text: &str,
        (x, y): (f32, f32),
        colour: &C,
    ) -> Result<(), String> {
        let half_height = (self.height_px() / 2.0) as i32;
        let (x, y) = (x as i32, y as i32);
        let turned = self
            .coverage(text, (0.0, 0.0), Align::Centre)
            .into_iter()
            .map(|(px, py, c)| (x - half_height + py, y - px, c))
            .collect();
        paint(area, turned, colour)
    }

    /// Where `text` anchored at `x` with `align` begins.
    fn left(&self, text: &str, x: f32, align: Align) -> f32 {
        match align {
            Align::Left => x,
            Align::Centre => x - self.width_px(text) / 2.0,
            Align::Right => x - self.width_px(text),
        }
    }

    /// Every pixel `text` covers, with how much, laid out from its anchor.
    fn coverage(&self, text: &str, (x, y): (f32, f32), align: Align) -> Vec<(i32, i32, f32)> {
        let font = self.font.as_scaled(self.scale);
        let baseline = y + font.ascent();
        let mut pen = self.left(text, x, align);
        let mut previous = None;
        let mut pixels = Vec::new();
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = previous {
                pen += font.kern(p, id);
            }
            let glyph = id.with_scale_and_position(self.scale, point(pen, baseline));
            if let Some(outline) = self.font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                outline.draw(|gx, gy, coverage| {
                    pixels.push((
                        bounds.min.x as i32 + gx as i32,
                        bounds.min.y as i32 + gy as i32,
                        coverage,
                    ));
                });
            }
            pen += font.h_advance(id);
            previous = Some(id);
        }
        pixels
    }
}

/// Blends `colour` into `area` at each pixel in proportion to its coverage.
fn paint<C: Color>(
    area: &Area<'_>,
    pixels: Vec<(i32, i32, f32)>,
    colour: &C,
) -> Result<(), String> {
    for (px, py, coverage) in pixels {
        if coverage > 0.0 {
            area.draw_pixel((px, py), &colour.mix(f64::from(coverage.min(1.0))))
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns of a 60 × 40 white canvas that `draw` inks at all.
    fn inked_columns(draw: impl FnOnce(&Area<'_>)) -> Vec<usize> {
        let mut rgb = vec![255u8; 60 * 40 * 3];
        {
            let area = BitMapBackend::with_buffer(&mut rgb, (60, 40)).into_drawing_area();
            draw(&area);
            area.present().unwrap();
        }
        (0..60)
            .filter(|x| (0..40).any(|y| rgb[(y * 60 + x) * 3] < 255))
            .collect()
    }

    #[test]
    fn glyphs_keep_their_side_bearings() {
        let font = super::super::figures::load_font().expect("a font for the figures");
        let writer = Writer::new(font.bytes, 20.0).unwrap();
        let scaled = writer.font.as_scaled(writer.scale);
        let bearing_px = scaled.h_side_bearing(scaled.glyph_id('I'));
        assert!(bearing_px > 1.0, "{bearing_px}");
        // "I" anchored at x = 10 is inked from 10 + its left side bearing on (plotters
        // 0.3.7 would start it at 10).
        let columns = inked_columns(|area| {
            writer
                .draw(area, "I", (10.0, 5.0), Align::Left, &BLACK)
                .unwrap()
        });
        let first = columns[0] as f32;
        assert!(
            first >= (10.0 + bearing_px).floor() && first <= 10.0 + bearing_px + 1.0,
            "{first}"
        );
        // Centred text spreads evenly either side of its anchor.
        let columns = inked_columns(|area| {
            writer
                .draw(area, "HH", (30.0, 5.0), Align::Centre, &BLACK)
                .unwrap()
        });
        let (first, last) = (columns[0] as f32, *columns.last().unwrap() as f32);
        assert!(
            ((first + last) / 2.0 - 30.0).abs() <= 1.0,
            "{first}..{last}"
        );
        assert!(writer.width_px("MTTR") > writer.width_px("MTT"));
        // ab_glyph's scale is the line's height, ascent to descent.
        assert!(
            (writer.height_px() - 20.0).abs() < 0.5,
            "{}",
            writer.height_px()
        );
        // Turned upwards, "HH" centred on (30, 20) spans about its width vertically.
        let mut rgb = vec![255u8; 60 * 40 * 3];
        {
            let area = BitMapBackend::with_buffer(&mut rgb, (60, 40)).into_drawing_area();
            writer
                .draw_upwards(&area, "HH", (30.0, 20.0), &BLACK)
                .unwrap();
            area.present().unwrap();
        }
        let rows: Vec<usize> = (0..40)
            .filter(|y| (0..60).any(|x| rgb[(y * 60 + x) * 3] < 255))
            .collect();
        let span = (rows.last().unwrap() - rows[0] + 1) as f32;
        assert!((span - writer.width_px("HH")).abs() < 4.0, "{span}");
    }
}
