"""Where an alert applies: polygons, circles and governorate or wilayat codes, as CAP
carries them ("lat,lon" pairs, "lat,lon radius-km")."""

import math
from dataclasses import dataclass
from typing import Literal

from shapely.geometry import Point, Polygon

from notifier.alerts.places import GOVERNORATES, WILAYATS, wilayats_of
from sharik.errors import Invalid

GeocodeName = Literal["governorate", "wilayat"]
LatLon = tuple[float, float]


@dataclass(frozen=True)
class Circle:
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Geocode:
    name: GeocodeName
    value: str


@dataclass(frozen=True)
class Area:
    description: dict[str, str]
    """areaDesc per language."""
    polygons: tuple[tuple[LatLon, ...], ...] = ()
    circles: tuple[Circle, ...] = ()
    geocodes: tuple[Geocode, ...] = ()

    def validate(self, languages: set[str]) -> None:
        if not (self.polygons or self.circles or self.geocodes):
            raise Invalid("the area needs a polygon, a circle or a geocode", details=[{"field": "area"}])
        missing = sorted(languages - set(self.description))
        if missing:
            raise Invalid(
                f"the area needs a description in {', '.join(missing)}", details=[{"field": "area.description"}]
            )
        for n, polygon in enumerate(self.polygons):
            field = f"area.polygons[{n}]"
            if len(polygon) < 4 or polygon[0] != polygon[-1]:
                raise Invalid("a polygon needs at least 4 points, the last equal to the first", details=[{"field": field}])
            for lat, lon in polygon:
                _check_point(lat, lon, field)
            if not Polygon([(lon, lat) for lat, lon in polygon]).is_valid:
                raise Invalid("a polygon may not cross itself", details=[{"field": field}])
        for n, circle in enumerate(self.circles):
            _check_point(circle.lat, circle.lon, f"area.circles[{n}]")
            if not 0 < circle.radius_km <= 1000:
                raise Invalid("a circle's radius is 0 to 1000 km", details=[{"field": f"area.circles[{n}].radius_km"}])
        for n, geocode in enumerate(self.geocodes):
            known = GOVERNORATES if geocode.name == "governorate" else WILAYATS
            if geocode.value not in known:
                raise Invalid(f"no {geocode.name} {geocode.value!r}", details=[{"field": f"area.geocodes[{n}].value"}])

    def wilayats(self) -> frozenset[str]:
        """The wilayats whose centre lies in the area or that a geocode names."""
        named = frozenset().union(*(wilayats_of(g.name, g.value) for g in self.geocodes))
        inside = {w.code for w in WILAYATS.values() if self.contains(w.lat, w.lon)}
        return named | inside

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies in one of the polygons or circles."""
        point = Point(lon, lat)
        if any(Polygon([(x, y) for y, x in polygon]).covers(point) for polygon in self.polygons):
            return True
        return any(distance_km((lat, lon), (c.lat, c.lon)) <= c.radius_km for c in self.circles)


def distance_km(a: LatLon, b: LatLon) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def cap_polygon(polygon: tuple[LatLon, ...]) -> str:
    return " ".join(f"{lat:.4f},{lon:.4f}" for lat, lon in polygon)


def cap_circle(circle: Circle) -> str:
    return f"{circle.lat:.4f},{circle.lon:.4f} {circle.radius_km:g}"


def _check_point(lat: float, lon: float, field: str) -> None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid("latitude is -90..90 and longitude -180..180", details=[{"field": field}])
