"""Demo photos, drawn here (the demo needs no network): a library's shelves, a museum's front, a
cultural house, a class, a reading corner. Each is a Wagtail image, shared by the demo pages of its
kind, with a sentence saying what it shows."""

from __future__ import annotations

import io
import random

from django.core.files.images import ImageFile
from PIL import Image as Picture
from PIL import ImageDraw
from wagtail.images import get_image_model

WIDTH, HEIGHT = 1440, 600
SKY, GROUND = (196, 226, 240), (150, 190, 120)
WALL, ROOF, WOOD = (238, 226, 200), (170, 60, 45), (140, 95, 60)


def shelves(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=WALL)
    for shelf in range(4):
        top = 60 + shelf * 130
        draw.rectangle((80, top + 110, WIDTH - 80, top + 122), fill=WOOD)
        x = 90
        while x < WIDTH - 120:
            width, height = rng.randint(18, 38), rng.randint(70, 108)
            colour = rng.choice([(180, 50, 50), (40, 90, 160), (60, 130, 80), (200, 150, 40), (110, 60, 130)])
            draw.rectangle((x, top + 110 - height, x + width, top + 110), fill=colour)
            x += width + rng.randint(2, 6)


def front(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=SKY)
    draw.rectangle((0, 470, WIDTH, HEIGHT), fill=GROUND)
    draw.polygon([(300, 200), (WIDTH // 2, 70), (WIDTH - 300, 200)], fill=(230, 220, 200))
    draw.rectangle((320, 200, WIDTH - 320, 470), fill=(245, 238, 225))
    for column in range(7):
        x = 360 + column * 125
        draw.rectangle((x, 215, x + 40, 470), fill=(255, 252, 245), outline=(200, 190, 170))
    draw.rectangle((660, 360, 780, 470), fill=WOOD)


def house(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=SKY)
    draw.rectangle((0, 450, WIDTH, HEIGHT), fill=GROUND)
    draw.polygon([(380, 250), (WIDTH // 2, 110), (WIDTH - 380, 250)], fill=ROOF)
    draw.rectangle((420, 250, WIDTH - 420, 450), fill=(250, 235, 170))
    draw.rectangle((670, 330, 770, 450), fill=WOOD)
    for x in (480, 880):
        draw.rectangle((x, 300, x + 80, 370), fill=(120, 170, 210), outline=WOOD, width=6)
    draw.rectangle((700, 60, 704, 140), fill=(90, 90, 90))
    draw.rectangle((704, 60, 764, 100), fill=(218, 37, 29))  # the flag on the roof


def classroom(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=WALL)
    draw.rectangle((420, 60, 1020, 300), fill=(40, 80, 60), outline=WOOD, width=10)
    for row in range(2):
        for seat in range(6):
            x, y = 150 + seat * 200, 380 + row * 110
            draw.ellipse((x + 30, y - 60, x + 80, y - 10), fill=(90, 60, 40))
            shirt = rng.choice([(60, 110, 190), (230, 230, 235)])
            draw.rectangle((x + 20, y - 10, x + 90, y + 40), fill=shirt)
            draw.rectangle((x, y + 40, x + 120, y + 55), fill=WOOD)


def reading(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    shelves(draw, rng)
    draw.rectangle((200, 430, WIDTH - 200, 460), fill=WOOD)
    for seat in range(5):
        x = 280 + seat * 190
        draw.ellipse((x, 330, x + 60, 390), fill=(90, 60, 40))
        draw.rectangle((x - 10, 390, x + 70, 430), fill=rng.choice([(230, 120, 60), (60, 150, 170)]))
        draw.rectangle((x - 25, 415, x + 85, 432), fill=(250, 250, 245))


DRAWINGS = {
    # key: (drawing, title, what it shows)
    "library": (
        shelves,
        "Ảnh minh họa: giá sách thư viện",
        "Những giá sách đầy sách nhiều màu trong thư viện",
    ),
    "museum": (front, "Ảnh minh họa: mặt tiền bảo tàng", "Mặt tiền bảo tàng, hàng cột trắng dưới trời xanh"),
    "cultural_centre": (house, "Ảnh minh họa: nhà văn hóa", "Nhà văn hóa mái ngói đỏ, cờ đỏ trên nóc"),
    "community_learning_centre": (
        classroom,
        "Ảnh minh họa: lớp học",
        "Lớp học có bảng đen và hai dãy học viên",
    ),
    "reading": (
        reading,
        "Ảnh minh họa: góc đọc sách",
        "Mọi người ngồi đọc sách quanh bàn dài trước giá sách",
    ),
}


def drawn(key: str) -> bytes:
    drawing = DRAWINGS[key][0]
    picture = Picture.new("RGB", (WIDTH, HEIGHT))
    drawing(ImageDraw.Draw(picture), random.Random(key))
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=82)
    return output.getvalue()


def demo_photo(key: str):
    """The demo image for `key` and its description, made once."""
    _drawing, title, alt = DRAWINGS[key]
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(title=title)
        image.file = ImageFile(io.BytesIO(drawn(key)), name=f"demo-{key.replace('_', '-')}.jpg")
        image.save()
    return image, alt
