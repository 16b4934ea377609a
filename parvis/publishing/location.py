"""Where a picture or a video was taken, removed from the file before it is stored.

Phones write the GPS position into pictures (EXIF ``GPSInfo``, the XMP packet's ``exif:GPS…``
fields, IPTC place names) and into videos (``©xyz`` and ``loci`` atoms, Apple's
``com.apple.quicktime.location.*`` keys, an XMP packet). Some networks strip it, others
(Bluesky's PDS) publish the file as sent: a workshop photo must not tell where its author lives.

Pictures are rewritten at the container level, never re-encoded: the JPEG segments, PNG chunks,
WebP RIFF chunks and GIF extension blocks that carry location are dropped or replaced, the
pixels are copied untouched. What is removed: the EXIF GPS directory (the rest of the EXIF —
orientation, camera, date — stays), the whole XMP packet (replaced by one holding only the
orientation when it had one) and the IPTC block of JPEG (city, sub-location). When the
structure cannot be walked, the picture is saved again with Pillow without any of it; when even
that fails, the caller must refuse the file.

Videos are patched in place with same-length writes, so no offset in the file moves: location
atoms become ``free`` boxes full of zeros, location keys are renamed and their values zeroed.
A location recorded as a timed track (action cameras, drones) is sample data and stays.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from PIL import Image

from parvis.publishing.mediafiles import mp4_boxes

EXIF_GPS_IFD = 0x8825
EXIF_HEADER = b"Exif\x00\x00"
XMP_JPEG = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_JPEG_EXTENDED = b"http://ns.adobe.com/xmp/extension/\x00"
XMP_PNG_KEY = b"XML:com.adobe.xmp"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ORIENTATION = re.compile(rb"tiff:Orientation(?:=[\"']|>)\s*([1-8])")
# The XMP packet left when the original said how to turn the picture (nothing else).
_XMP_ORIENTATION_ONLY = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"'
    b' tiff:Orientation="%d"/></rdf:RDF></x:xmpmeta><?xpacket end="r"?>'
)
# Enough for any real XMP packet; a compressed one that inflates past it is dropped unread.
_MAX_XMP_BYTES = 4 * 1024 * 1024


class _Unwalkable(ValueError):
    """The container does not have the structure its format says."""


# --- Pictures -------------------------------------------------------------------------------


def picture_without_location(data: bytes) -> bytes | None:
    """``data`` (a JPEG, PNG, WebP or GIF Pillow has read) without its location metadata, or
    None when it carries none (the file is then kept byte for byte). Raises ValueError when
    the file can be neither walked nor saved again (it must not be kept as it is)."""
    cleaned: bytes | None
    try:
        if data.startswith(b"\xff\xd8"):
            cleaned = _jpeg(data)
        elif data.startswith(PNG_SIGNATURE):
            cleaned = _png(data)
        elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            cleaned = _webp(data)
        elif data[:6] in (b"GIF87a", b"GIF89a"):
            cleaned = _gif(data)
        else:
            return None
    except (_Unwalkable, IndexError, struct.error):
        cleaned = _resaved(data)
    return None if cleaned is None or cleaned == data else cleaned


def _exif_without_gps(exif_data: bytes) -> bytes | None:
    """The EXIF block (with its ``Exif\\0\\0`` header) without the GPS directory; None when it
    has none; b"" when it cannot be read (then it goes whole)."""
    exif = Image.Exif()
    try:
        exif.load(exif_data)
        if EXIF_GPS_IFD not in exif:
            return None
        del exif[EXIF_GPS_IFD]
        return exif.tobytes()
    except Exception:  # noqa: BLE001 - Pillow raises many kinds on a damaged EXIF block
        return b""


def _xmp_kept(packet: bytes) -> bytes | None:
    """What replaces an XMP packet: only its orientation, or nothing."""
    found = _ORIENTATION.search(packet)
    return _XMP_ORIENTATION_ONLY % int(found[1]) if found else None


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise _Unwalkable("segment too long")
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _jpeg(data: bytes) -> bytes:
    out = [data[:2]]
    pos = 2
    while True:
        if pos + 2 > len(data) or data[pos] != 0xFF:
            raise _Unwalkable("no marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xDA, 0xD9):  # start of scan (entropy-coded data follows) or the end
            out.append(data[pos:])
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise _Unwalkable("segment overruns the file")
        payload = data[pos + 4 : end]
        if marker == 0xE1 and payload.startswith(XMP_JPEG):
            kept = _xmp_kept(payload[len(XMP_JPEG) :])
            if kept is not None:
                out.append(_jpeg_segment(0xE1, XMP_JPEG + kept))
        elif marker == 0xE1 and payload.startswith(XMP_JPEG_EXTENDED):
            pass  # the rest of a long XMP packet
        elif marker == 0xE1 and payload.startswith(EXIF_HEADER):
            cleaned = _exif_without_gps(payload)
            if cleaned is None:
                out.append(data[pos:end])
            elif cleaned:
                out.append(_jpeg_segment(0xE1, cleaned))
        elif marker == 0xED:
            pass  # Photoshop/IPTC block: place names (city, sub-location, country)
        else:
            out.append(data[pos:end])
        pos = end


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _png_itxt_text(body: bytes) -> bytes:
    """The text of an iTXt chunk (inflated when compressed, bounded)."""
    _keyword, rest = body.split(b"\x00", 1)
    compressed, rest = rest[0], rest[2:]
    _language, _translated, text = rest.split(b"\x00", 2)
    if not compressed:
        return text
    inflater = zlib.decompressobj()
    inflated = inflater.decompress(text, _MAX_XMP_BYTES)
    return b"" if inflater.unconsumed_tail else inflated


def _png(data: bytes) -> bytes:
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise _Unwalkable("chunk overruns the file")
        body = data[pos + 8 : pos + 8 + length]
        keyword = body.split(b"\x00", 1)[0] if kind in (b"tEXt", b"zTXt", b"iTXt") else b""
        if keyword == XMP_PNG_KEY:
            try:
                text = _png_itxt_text(body) if kind == b"iTXt" else b""
            except (ValueError, zlib.error):
                text = b""
            kept = _xmp_kept(text)
            if kept is not None:
                out.append(_png_chunk(b"iTXt", XMP_PNG_KEY + b"\x00\x00\x00\x00\x00" + kept))
        elif keyword.lower().startswith(b"raw profile type"):
            pass  # ImageMagick's copies of the EXIF, XMP or IPTC blocks
        elif kind == b"eXIf":
            cleaned = _exif_without_gps(EXIF_HEADER + body)
            if cleaned is None:
                out.append(data[pos:end])
            elif cleaned:
                out.append(_png_chunk(b"eXIf", cleaned[len(EXIF_HEADER) :]))
        else:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            break
    else:
        raise _Unwalkable("no IEND chunk")
    return b"".join(out)


_VP8X_EXIF = 0x08
_VP8X_XMP = 0x04


def _webp(data: bytes) -> bytes:
    chunks: list[tuple[bytes, bytes]] = []
    pos = 12
    end_of_riff = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while pos + 8 <= end_of_riff:
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        end = pos + 8 + length
        if end > len(data):
            raise _Unwalkable("chunk overruns the file")
        body = data[pos + 8 : end]
        if kind == b"XMP ":
            kept = _xmp_kept(body)
            if kept is not None:
                chunks.append((kind, kept))
        elif kind == b"EXIF":
            header = EXIF_HEADER if body.startswith(EXIF_HEADER) else b""
            cleaned = _exif_without_gps(EXIF_HEADER + body[len(header) :])
            if cleaned is None:
                chunks.append((kind, body))
            elif cleaned:
                chunks.append((kind, header + cleaned[len(EXIF_HEADER) :]))
        else:
            chunks.append((kind, body))
        pos = end + (length & 1)
    kinds = {kind for kind, _body in chunks}
    rebuilt = []
    for kind, body in chunks:
        if kind == b"VP8X" and body:
            flags = body[0] & ~(_VP8X_EXIF | _VP8X_XMP)
            flags |= _VP8X_EXIF if b"EXIF" in kinds else 0
            flags |= _VP8X_XMP if b"XMP " in kinds else 0
            body = bytes([flags]) + body[1:]
        rebuilt.append(kind + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) & 1))
    payload = b"WEBP" + b"".join(rebuilt)
    return b"RIFF" + struct.pack("<I", len(payload)) + payload


def _gif_sub_blocks_end(data: bytes, pos: int) -> int:
    """The offset just after the data sub-blocks starting at ``pos`` (and their terminator)."""
    while True:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _gif(data: bytes) -> bytes:
    flags = data[10]
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    out = [data[:pos]]
    while True:
        if pos == len(data):  # no trailer: readers stop here too
            return b"".join(out)
        introducer = data[pos]
        if introducer == 0x3B:  # trailer
            out.append(data[pos:])
            return b"".join(out)
        if introducer == 0x21:  # extension: label, then sub-blocks
            end = _gif_sub_blocks_end(data, pos + 2)
            is_xmp = data[pos + 1] == 0xFF and data[pos + 2 : pos + 14] == b"\x0bXMP DataXMP"
            if not is_xmp:  # XMP in GIF: the packet, then a "magic trailer" closing the blocks
                out.append(data[pos:end])
            pos = end
        elif introducer == 0x2C:  # image: descriptor, local colour table, LZW data
            packed = data[pos + 9]
            start = pos + 10 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0) + 1
            end = _gif_sub_blocks_end(data, start)
            out.append(data[pos:end])
            pos = end
        else:
            raise _Unwalkable("unknown GIF block")


def _resaved(data: bytes) -> bytes:
    """Last resort for a picture whose structure could not be walked: saved again by Pillow
    with the EXIF less its GPS directory and the colour profile, nothing else (no XMP, no
    IPTC). A GIF is not re-encoded (it would lose frames or colours): ValueError, as when
    Pillow cannot decode the picture."""
    try:
        return _saved_again(data)
    except (OSError, SyntaxError, ValueError) as error:
        raise ValueError("the picture cannot be saved again") from error


def _saved_again(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as picture:
        if picture.format not in ("JPEG", "PNG", "WEBP"):
            raise ValueError(f"{picture.format} is not saved again")
        exif = picture.getexif()
        if EXIF_GPS_IFD in exif:
            del exif[EXIF_GPS_IFD]
        options: dict[str, object] = {"exif": exif.tobytes()}
        if picture.info.get("icc_profile"):
            options["icc_profile"] = picture.info["icc_profile"]
        if picture.format == "JPEG":
            options["quality"] = "keep"
        elif picture.format == "WEBP":
            options["lossless"] = bool(picture.info.get("lossless"))
            options["quality"] = 95
        out = io.BytesIO()
        picture.save(out, format=picture.format, **options)
    return out.getvalue()


# --- MP4 / QuickTime ------------------------------------------------------------------------

# Boxes whose children are boxes (``meta`` is handled apart: it may start with a version).
_CONTAINERS = {b"moov", b"trak", b"udta", b"ilst"}
# Boxes that only say where: blanked whole.
_LOCATION_BOXES = {b"\xa9xyz", b"loci", b"XMP_"}
_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
_FREE = b"free"
# Cameras and editors nest metadata fewer than 10 boxes deep (moov/trak/udta/meta/ilst...); a
# file nesting deeper is crafted: walking it one call per level would exhaust Python's stack.
MAX_BOX_DEPTH = 32


def _mp4_boxes(handle: BinaryIO, start: int, end: int) -> Iterator[tuple[int, bytes, int, int]]:
    """(box start, type, payload start, payload end) of the whole boxes between start and end:
    a box that claims more than is left ends the walk (nothing is written past the file)."""
    for box in mp4_boxes(handle, start, end):
        if box[3] > end:
            return
        yield box


def _blank(handle: BinaryIO, box_start: int, payload: int, end: int) -> None:
    """Turn the box into a ``free`` box of the same size, its content zeroed."""
    handle.seek(box_start + 4)
    handle.write(_FREE)
    handle.seek(payload)
    remaining = end - payload
    while remaining:
        step = min(remaining, 1 << 16)
        handle.write(bytes(step))
        remaining -= step


def _meta_children_start(handle: BinaryIO, payload: int) -> int:
    """QuickTime's ``meta`` holds boxes directly; ISO's starts with a version and flags."""
    handle.seek(payload)
    head = handle.read(12)
    return payload + 4 if head[8:12] == b"hdlr" else payload


def _location_keys(handle: BinaryIO, payload: int, end: int) -> set[int]:
    """Rename the ``keys`` entries about location (same length) and return their indexes."""
    found: set[int] = set()
    handle.seek(payload + 4)
    (count,) = struct.unpack(">I", handle.read(4))
    offset = payload + 8
    for index in range(1, count + 1):
        if offset + 8 > end:
            break
        handle.seek(offset)
        (size,) = struct.unpack(">I", handle.read(4))
        if size < 8 or offset + size > end:
            break
        handle.read(4)  # namespace ("mdta")
        name = handle.read(size - 8)
        if b"location" in name.lower():
            found.add(index)
            handle.seek(offset + 8)
            handle.write(b"x" * len(name))
        offset += size
    return found


def _zero_values(handle: BinaryIO, payload: int, end: int, indexes: set[int]) -> None:
    """Zero the values of the ``ilst`` items numbered ``indexes`` (keeps their structure)."""
    for _start, kind, item_payload, item_end in list(_mp4_boxes(handle, payload, end)):
        if struct.unpack(">I", kind)[0] not in indexes:
            continue
        for _dstart, inner, data_payload, data_end in list(
            _mp4_boxes(handle, item_payload, item_end)
        ):
            if inner == b"data" and data_end - data_payload > 8:
                handle.seek(data_payload + 8)  # after the type indicator and the locale
                handle.write(bytes(data_end - data_payload - 8))


def _walk(handle: BinaryIO, start: int, end: int, depth: int = 0) -> int:
    if depth > MAX_BOX_DEPTH:
        raise _Unwalkable("boxes nested too deep")
    blanked = 0
    for box_start, kind, payload, box_end in list(_mp4_boxes(handle, start, end)):
        if kind in _LOCATION_BOXES:
            _blank(handle, box_start, payload, box_end)
            blanked += 1
        elif kind == b"uuid":
            handle.seek(payload)
            if handle.read(16) == _XMP_UUID:
                _blank(handle, box_start, payload, box_end)
                blanked += 1
        elif kind in _CONTAINERS:
            blanked += _walk(handle, payload, box_end, depth + 1)
        elif kind == b"meta":
            children = _meta_children_start(handle, payload)
            inner = list(_mp4_boxes(handle, children, box_end))
            indexes: set[int] = set()
            for _s, inner_kind, inner_payload, inner_end in inner:
                if inner_kind == b"keys":
                    indexes = _location_keys(handle, inner_payload, inner_end)
                    blanked += len(indexes)
            for _s, inner_kind, inner_payload, inner_end in inner:
                if inner_kind == b"ilst" and indexes:
                    _zero_values(handle, inner_payload, inner_end, indexes)
            blanked += _walk(handle, children, box_end, depth + 1)
    return blanked


def video_strip_location(handle: BinaryIO, size: int) -> int:
    """Blank, in place and without moving any byte, the location an MP4/QuickTime file
    carries in its metadata; returns how many places were blanked (0: the file is untouched).
    ``handle`` must be open for reading and writing. Raises ValueError when the metadata
    boxes are truncated or nested deeper than :data:`MAX_BOX_DEPTH` (the file must then not be
    kept: it may still say where)."""
    try:
        return _walk(handle, 0, size)
    except (struct.error, IndexError) as error:
        raise ValueError("truncated metadata box") from error
    finally:
        handle.seek(0)
