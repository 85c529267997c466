//! PDF of one or many proofs (one A4 page each), with Noto Sans CJK SC embedded: only the
//! glyphs used, so the file is small and reads the same on a machine without Chinese fonts.

use super::qr::QrMatrix;
use super::PrintedProof;
use krilla::color::rgb;
use krilla::geom::{Point, Size, Transform};
use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use rayon::prelude::*;
use skrifa::instance::{LocationRef, Size as FontSize};
use skrifa::{FontRef, MetadataProvider};

/// Noto Sans CJK SC Regular, subset (static/fonts/README.md; SIL Open Font License 1.1).
static FONT: &[u8] = include_bytes!("../../static/fonts/NotoSansCJKsc-Regular-subset.otf");

const PAGE_W: f32 = 595.0; // A4 in points
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 64.0;
const LABEL_W: f32 = 120.0;
const BODY: f32 = 11.0;
const LINE: f32 = 17.0;
/// The QR code's side, quiet zone included: 60 mm (BENCHMARKS.md, "QR codes from paper").
const QR_SIDE: f32 = 170.0;

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read")]
    Font,
    #[error("QR code: {0:?}")]
    Qr(fast_qr::qr::QRCodeError),
    #[error("PDF: {0:?}")]
    Write(krilla::error::KrillaError),
}

/// The PDF of `proofs`, one page each, titled `title`, in language `lang` (`zh-CN`, `en`).
pub fn render(proofs: &[PrintedProof], title: &str, lang: &str) -> Result<Vec<u8>, PdfError> {
    let font = Font::new(FONT.into(), 0).ok_or(PdfError::Font)?;
    let widths = Widths::new()?;
    // The QR codes are most of the work: made on every core, drawn in order.
    let codes = proofs
        .par_iter()
        .map(|p| QrMatrix::new(&p.verify_url).map_err(PdfError::Qr))
        .collect::<Result<Vec<_>, _>>()?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .language(lang.to_owned())
            .creator("Attest".to_owned()),
    );
    let size = Size::from_wh(PAGE_W, PAGE_H).ok_or(PdfError::Font)?;
    for (proof, code) in proofs.iter().zip(codes) {
        let mut page = document.start_page_with(PageSettings::new(size));
        let mut surface = page.surface();
        let mut pen = Pen {
            surface: &mut surface,
            font: font.clone(),
            widths: &widths,
            y: MARGIN,
        };
        pen.page(proof, code);
        surface.finish();
        page.finish();
    }
    document.finish().map_err(PdfError::Write)
}

/// The PDF of a one-time notice, one A4 page (more when the items run long), in `lang`.
pub fn render_notice(
    notice: &super::notice::PrintedNotice,
    lang: &str,
) -> Result<Vec<u8>, PdfError> {
    let font = Font::new(FONT.into(), 0).ok_or(PdfError::Font)?;
    let widths = Widths::new()?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(notice.title.clone())
            .language(lang.to_owned())
            .creator("Attest".to_owned()),
    );
    let size = Size::from_wh(PAGE_W, PAGE_H).ok_or(PdfError::Font)?;
    let mut page = document.start_page_with(PageSettings::new(size));
    let mut surface = page.surface();
    let mut pen = Pen {
        surface: &mut surface,
        font,
        widths: &widths,
        y: MARGIN,
    };
    pen.notice(notice);
    surface.finish();
    page.finish();
    document.finish().map_err(PdfError::Write)
}

/// Advance widths of the embedded font, for line breaking.
struct Widths {
    font: FontRef<'static>,
    units_per_em: f32,
}

impl Widths {
    fn new() -> Result<Self, PdfError> {
        let font = FontRef::from_index(FONT, 0).map_err(|_| PdfError::Font)?;
        let units_per_em = f32::from(
            font.metrics(FontSize::unscaled(), LocationRef::default())
                .units_per_em,
        );
        Ok(Self { font, units_per_em })
    }

    /// The width of `c` at `size` points.
    fn of(&self, c: char, size: f32) -> f32 {
        let metrics = self
            .font
            .glyph_metrics(FontSize::unscaled(), LocationRef::default());
        let glyph = self.font.charmap().map(c).unwrap_or_default();
        metrics.advance_width(glyph).unwrap_or(self.units_per_em) / self.units_per_em * size
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.of(c, size)).sum()
    }

    /// `text` broken into lines no wider than `max`: after a space when a Latin word would
    /// be cut, anywhere between Chinese characters.
    fn lines(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut width = 0.0;
        for c in text.chars() {
            let w = self.of(c, size);
            if width + w > max && !line.is_empty() {
                let cut = line
                    .rfind(' ')
                    .filter(|_| c.is_ascii_alphanumeric())
                    .filter(|&i| i > 0);
                let rest = match cut {
                    Some(i) => line.split_off(i + 1),
                    None => String::new(),
                };
                lines.push(line.trim_end().to_owned());
                width = self.width(&rest, size);
                line = rest;
            }
            line.push(c);
            width += w;
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// Writes one page top to bottom.
struct Pen<'a, 'b> {
    surface: &'a mut Surface<'b>,
    font: Font,
    widths: &'a Widths,
    /// The next baseline, from the top of the page.
    y: f32,
}

impl Pen<'_, '_> {
    fn text_at(&mut self, x: f32, y: f32, size: f32, text: &str) {
        self.surface.draw_text(
            Point::from_xy(x, y),
            self.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    /// A wrapped paragraph from `x` to the right margin.
    fn paragraph(&mut self, x: f32, size: f32, text: &str) {
        for line in self.widths.lines(text, size, PAGE_W - MARGIN - x) {
            self.text_at(x, self.y, size, &line);
            self.y += size * 1.55;
        }
    }

    fn centred(&mut self, size: f32, text: &str) {
        let x = (PAGE_W - self.widths.width(text, size)) / 2.0;
        self.text_at(x.max(MARGIN), self.y, size, text);
    }

    fn page(&mut self, proof: &PrintedProof, code: QrMatrix) {
        self.y += 22.0;
        self.centred(22.0, &proof.title);
        self.y += 30.0;
        if let Some(stamp) = &proof.stamp {
            self.surface.set_fill(Some(Fill {
                paint: rgb::Color::new(176, 0, 32).into(),
                opacity: NormalizedF32::ONE,
                rule: Default::default(),
            }));
            self.centred(16.0, stamp);
            self.surface.set_fill(None);
            self.y += 26.0;
        }
        self.paragraph(MARGIN, BODY, &proof.lead);
        self.y += 6.0;
        for (label, value) in &proof.facts {
            self.text_at(MARGIN, self.y, BODY, label);
            self.paragraph(MARGIN + LABEL_W, BODY, value);
            self.y += LINE - BODY * 1.55 + 2.0;
        }
        self.y += 8.0;
        self.paragraph(MARGIN, BODY, &proof.purpose);
        self.y += 8.0;
        for line in &proof.issuer {
            self.paragraph(MARGIN, BODY, line);
        }
        self.paragraph(MARGIN, BODY, &proof.statement);
        self.y += 16.0;
        self.verify_block(proof, code);
    }

    fn notice(&mut self, notice: &super::notice::PrintedNotice) {
        self.y += 22.0;
        self.centred(22.0, &notice.title);
        self.y += 34.0;
        for (label, value) in &notice.heading {
            self.text_at(MARGIN, self.y, BODY, label);
            self.paragraph(MARGIN + LABEL_W, BODY, value);
            self.y += LINE - BODY * 1.55 + 2.0;
        }
        self.y += 10.0;
        self.paragraph(MARGIN, BODY, &notice.lead);
        self.y += 6.0;
        for (n, line) in notice.lines.iter().enumerate() {
            self.paragraph(MARGIN, BODY, &format!("{}. {}", n + 1, line.title));
            self.paragraph(MARGIN + 18.0, BODY, &line.satisfy);
            self.y += 6.0;
        }
        self.y += 10.0;
        self.paragraph(MARGIN, BODY, &notice.closing);
    }

    /// The QR code on the left; the code and where to check it on the right.
    fn verify_block(&mut self, proof: &PrintedProof, code: QrMatrix) {
        let top = self.y.min(PAGE_H - MARGIN - QR_SIDE - 20.0);
        if let Some(side) = Size::from_wh(QR_SIDE, QR_SIDE) {
            if let Ok(image) = Image::from_custom(QrImage(code), false) {
                self.surface
                    .push_transform(&Transform::from_translate(MARGIN, top));
                self.surface.draw_image(image, side);
                self.surface.pop();
            }
        }
        self.y = top + QR_SIDE + 14.0;
        self.paragraph(MARGIN, 9.0, &proof.qr_caption);
        let x = MARGIN + QR_SIDE + 24.0;
        self.y = top + 30.0;
        self.paragraph(x, BODY, &proof.code_label);
        self.y += 10.0;
        self.text_at(x, self.y, 20.0, &proof.code);
        self.y += 30.0;
        self.paragraph(x, BODY, &proof.verify_at);
    }
}

/// The QR code as an 8-bit grey image, one pixel per module (scaled without smoothing).
#[derive(Clone, Hash)]
struct QrImage(QrMatrix);

impl CustomImage for QrImage {
    fn color_channel(&self) -> &[u8] {
        &self.0.pixels
    }
    fn alpha_channel(&self) -> Option<&[u8]> {
        None
    }
    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }
    fn size(&self) -> (u32, u32) {
        let side = u32::try_from(self.0.width).unwrap_or(0);
        (side, side)
    }
    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }
    fn color_space(&self) -> ImageColorspace {
        ImageColorspace::Luma
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_broken_anywhere_and_english_between_words() {
        let w = Widths::new().expect("font");
        let cn = w.lines(&"北京市朝阳区".repeat(20), 11.0, 200.0);
        assert!(cn.len() > 3);
        assert!(cn.iter().all(|l| w.width(l, 11.0) <= 200.0));
        assert_eq!(cn.concat(), "北京市朝阳区".repeat(20));
        let en = w.lines(
            "Room 1203, Building 5, Sunshine Garden, Chaoyang",
            11.0,
            100.0,
        );
        assert!(en.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')));
        assert!(en.iter().any(|l| l.ends_with(',')), "{en:?}");
    }
}
