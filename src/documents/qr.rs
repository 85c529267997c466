//! The QR code printed on every proof: the verify URL with the token in its fragment.

use base64::Engine;

/// Light modules around the code, as the QR specification asks.
const QUIET_ZONE: usize = 4;

/// A QR code as a square of modules, quiet zone included.
#[derive(Clone, Hash)]
pub struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    /// One byte per module, row by row: 0 dark, 255 light (8-bit grey pixels).
    pub pixels: Vec<u8>,
}

impl QrMatrix {
    /// Encodes `data` (error correction level L: the token is long, the print is clean).
    pub fn new(data: &str) -> Result<Self, fast_qr::qr::QRCodeError> {
        let code = fast_qr::QRBuilder::new(data.as_bytes())
            .ecl(fast_qr::ECL::L)
            .build()?;
        let size = code.size;
        let width = size + 2 * QUIET_ZONE;
        let mut pixels = vec![255u8; width * width];
        for y in 0..size {
            for x in 0..size {
                if code.data[y * size + x].value() {
                    pixels[(y + QUIET_ZONE) * width + x + QUIET_ZONE] = 0;
                }
            }
        }
        Ok(Self { width, pixels })
    }

    /// The code as a PNG (one pixel per module, 1 bit deep: a few hundred bytes).
    pub fn png(&self) -> Result<Vec<u8>, png::EncodingError> {
        let mut out = Vec::new();
        let side = u32::try_from(self.width).unwrap_or(u32::MAX);
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        let mut writer = encoder.write_header()?;
        let packed: Vec<u8> = self
            .pixels
            .chunks(self.width)
            .flat_map(|row| {
                row.chunks(8).map(|bits| {
                    bits.iter()
                        .enumerate()
                        .fold(0u8, |byte, (i, p)| byte | (u8::from(*p != 0) << (7 - i)))
                })
            })
            .collect();
        writer.write_image_data(&packed)?;
        writer.finish()?;
        Ok(out)
    }

    /// The PNG as a `data:` URL, for an `<img>` in a page.
    pub fn png_data_url(&self) -> Result<String, png::EncodingError> {
        Ok(format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(self.png()?)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_verify_url_fits_and_has_its_finder_patterns() {
        let url = format!("https://attest.example.cn/verify#{}", "e".repeat(1000));
        let qr = QrMatrix::new(&url).expect("encodes");
        assert!(qr.width > 100 && qr.width <= 177 + 8);
        // The top-left finder pattern: a dark 7x7 ring just inside the quiet zone.
        let at = |x: usize, y: usize| qr.pixels[y * qr.width + x];
        assert_eq!(at(QUIET_ZONE, QUIET_ZONE), 0);
        assert_eq!(at(QUIET_ZONE + 6, QUIET_ZONE + 6), 0);
        assert_eq!(at(QUIET_ZONE + 1, QUIET_ZONE + 1), 255);
        assert_eq!(at(0, 0), 255);
        let png = qr.png().expect("png");
        assert_eq!(&png[1..4], b"PNG");
    }
}
