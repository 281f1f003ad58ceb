import math
from dataclasses import dataclass


@dataclass
class Point:
    x: float
    y: float

    def distance(self, other: "Point") -> float:
        dx = self.x - other.x
        dy = self.y - other.y
        return ‸


def centroid(points: list[Point]) -> Point:
    total_x = sum(p.x for p in points)
    total_y = sum(p.y for p in points)
    return Point(total_x / len(points), total_y / len(points))
