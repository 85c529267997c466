#!/usr/bin/env python3
"""Reads printed QR codes as a phone camera sees them, with zbar (zbarimg), an
implementation no one here wrote. For each page image given (a PDF page rasterised at a
known dpi, or the print page's QR image drawn at 40 mm and a dpi), it makes the
degradations of a phone photo — scaled down, blurred, rotated a few degrees, JPEG — and
prints one line per image and degradation: `<name> <degradation> <decoded text or FAIL>`.

    qr_photo.py OUT_DIR NAME=IMAGE...
"""
import os
import subprocess
import sys

from PIL import Image, ImageFilter

DEGRADATIONS = {
    "as_printed": lambda im: im,
    "half_size": lambda im: im.resize((im.width // 2, im.height // 2), Image.BILINEAR),
    "blurred": lambda im: im.filter(ImageFilter.GaussianBlur(1.2)),
    "rotated_4deg": lambda im: im.rotate(4, resample=Image.BILINEAR, expand=True, fillcolor=255),
    # A phone photo: smaller, soft, a little askew, JPEG-compressed.
    "photo": lambda im: im.resize((im.width * 2 // 3, im.height * 2 // 3), Image.BILINEAR)
    .filter(ImageFilter.GaussianBlur(0.8))
    .rotate(-3, resample=Image.BILINEAR, expand=True, fillcolor=255),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        page = Image.open(path).convert("L")
        for label, degrade in DEGRADATIONS.items():
            file = os.path.join(out, f"{name}-{label}.jpg")
            # Every degradation ends as a JPEG, as a camera saves it.
            degrade(page).save(file, "JPEG", quality=70)
            run = subprocess.run(["zbarimg", "-q", "--raw", "-Sqrcode.enable", file],
                                 capture_output=True, text=True)
            text = run.stdout.strip() if run.returncode == 0 else "FAIL"
            print(name, label, text)


if __name__ == "__main__":
    main()
