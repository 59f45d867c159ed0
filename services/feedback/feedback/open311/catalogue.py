"""The DEFAULT service catalogue Open311 clients see until agencies keep a category
catalogue of their own: common municipal categories, each code being the complaint
category a request is filed under."""

from dataclasses import dataclass

from feedback.domain.text import Text


@dataclass(frozen=True)
class Open311Service:
    code: str
    name: Text
    description: Text
    group: Text
    keywords: tuple[str, ...]


_ROADS = Text(ar="الطرق", en="Roads")
_CLEANLINESS = Text(ar="النظافة", en="Cleanliness")
_UTILITIES = Text(ar="المرافق", en="Utilities")
_PUBLIC_SPACES = Text(ar="الأماكن العامة", en="Public spaces")

DEFAULT_CATALOGUE: tuple[Open311Service, ...] = (
    Open311Service(
        "street-lighting",
        Text(ar="إنارة الشوارع", en="Street lighting"),
        Text(ar="عمود إنارة معطل أو مطفأ", en="A street light that is broken or out"),
        _ROADS,
        ("light", "lamp", "إنارة"),
    ),
    Open311Service(
        "road-damage",
        Text(ar="أضرار الطرق", en="Road damage"),
        Text(ar="حفر أو تشققات في الطريق", en="Potholes or cracks in the road"),
        _ROADS,
        ("pothole", "road", "حفرة"),
    ),
    Open311Service(
        "traffic-signals",
        Text(ar="إشارات المرور", en="Traffic signals"),
        Text(ar="إشارة مرور معطلة أو لافتة تالفة", en="A broken traffic signal or damaged sign"),
        _ROADS,
        ("signal", "sign", "إشارة"),
    ),
    Open311Service(
        "waste-collection",
        Text(ar="جمع النفايات", en="Waste collection"),
        Text(ar="نفايات لم تُجمع أو حاوية ممتلئة", en="Rubbish not collected or an overflowing bin"),
        _CLEANLINESS,
        ("garbage", "bin", "نفايات"),
    ),
    Open311Service(
        "illegal-dumping",
        Text(ar="رمي المخلفات", en="Illegal dumping"),
        Text(ar="مخلفات أو أنقاض مرمية في غير مكانها", en="Waste or rubble dumped where it should not be"),
        _CLEANLINESS,
        ("dumping", "rubble", "مخلفات"),
    ),
    Open311Service(
        "water-leak",
        Text(ar="تسرب المياه", en="Water leak"),
        Text(ar="تسرب من أنبوب مياه عام", en="A leak from a public water pipe"),
        _UTILITIES,
        ("water", "leak", "مياه"),
    ),
    Open311Service(
        "sewage",
        Text(ar="الصرف الصحي", en="Sewage"),
        Text(ar="طفح أو انسداد في شبكة الصرف الصحي", en="An overflowing or blocked sewer"),
        _UTILITIES,
        ("sewer", "drain", "صرف"),
    ),
    Open311Service(
        "parks-and-playgrounds",
        Text(ar="الحدائق والملاعب", en="Parks and playgrounds"),
        Text(ar="معدات تالفة أو صيانة في حديقة عامة", en="Damaged equipment or upkeep in a public park"),
        _PUBLIC_SPACES,
        ("park", "playground", "حديقة"),
    ),
    Open311Service(
        "stray-animals",
        Text(ar="الحيوانات السائبة", en="Stray animals"),
        Text(ar="حيوانات سائبة في الأحياء أو على الطرق", en="Stray animals in neighbourhoods or on roads"),
        _PUBLIC_SPACES,
        ("animal", "dog", "حيوانات"),
    ),
)

BY_CODE: dict[str, Open311Service] = {service.code: service for service in DEFAULT_CATALOGUE}
