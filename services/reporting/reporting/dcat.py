"""The datasets described in DCAT-AP 3.0 with rdflib: a catalogue, paged with Hydra when
it holds more datasets than a page, and each dataset on its own.

Vocabularies are the EU Publications Office authority tables DCAT-AP asks for (data
themes, countries, file types, licences) and IANA media types."""

from datetime import datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from reporting.datasets import Table
from reporting.open_data import Published

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
AUTHORITY = "http://publications.europa.eu/resource/authority"
THEME = Namespace(f"{AUTHORITY}/data-theme/")
FILE_TYPE = Namespace(f"{AUTHORITY}/file-type/")
LANGUAGE = Namespace(f"{AUTHORITY}/language/")
OMAN = URIRef(f"{AUTHORITY}/country/OMN")
LICENCE = URIRef(f"{AUTHORITY}/licence/CC_BY_4_0")
THEME_TAXONOMY = URIRef(f"{AUTHORITY}/data-theme")
# Every file is kept as long as the platform runs: the live ones are rebuilt from the
# events, the snapshots and the voting boards are never deleted.
STABLE = URIRef(f"{AUTHORITY}/planned-availability/STABLE")
DCATAP = Namespace("http://data.europa.eu/r5r/")
# ADMS's vocabularies: the agencies (and the platform) are national public bodies; the
# licence asks for attribution only.
NATIONAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/NationalAuthority")
ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
CONCEPTS = {
    STABLE: {"ar": "مستقر", "en": "Stable"},
    NATIONAL_AUTHORITY: {"ar": "جهة حكومية وطنية", "en": "National authority"},
    ATTRIBUTION: {"ar": "نسبة المصنف إلى صاحبه", "en": "Attribution"},
}
THEMES = {
    "GOVE": {"ar": "الحكومة والقطاع العام", "en": "Government and public sector"},
    "SOCI": {"ar": "السكان والمجتمع", "en": "Population and society"},
}
MEDIA_TYPES = {"csv": ("text/csv", FILE_TYPE.CSV), "json": ("application/json", FILE_TYPE.JSON),
               "txt": ("text/plain", FILE_TYPE.TXT)}
DESCRIPTIONS = {
    "csv": {"ar": "الجدول بصيغة CSV (UTF-8) بعناوين عربية وإنجليزية.",
            "en": "The table as CSV (UTF-8), with Arabic and English headers."},
    "json": {"ar": "الجدول بصيغة JSON: الحقول بأسمائها وعناوينها والصفوف.",
             "en": "The table as JSON: the fields with their names and headers, and the rows."},
}

SERIALIZATIONS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("xml", "application/rdf+xml"),
}


class Describer:
    """Builds the graphs; `base` is the service's public base URL, without a slash."""

    def __init__(self, base: str, *, contact_email: str) -> None:
        self.base = base
        self.contact_email = contact_email

    def catalogue(
        self, datasets: list[Published], *, page: int, page_size: int, total: int, modified: datetime | None,
        issued: datetime | None = None,
    ) -> Graph:
        """One page of the catalogue; `modified` is the newest dataset's of all pages and
        `issued` the oldest one's, so every page describes the catalogue alike."""
        graph = _graph()
        catalogue = URIRef(f"{self.base}/catalog")
        graph.add((catalogue, RDF.type, DCAT.Catalog))
        graph.add((catalogue, DCTERMS.title, Literal("بيانات شارك المفتوحة", lang="ar")))
        graph.add((catalogue, DCTERMS.title, Literal("Sharik open data", lang="en")))
        graph.add((catalogue, DCTERMS.description, Literal(
            "البيانات المفتوحة لمنصة المشاركة الإلكترونية: نتائج التصويت والبلاغات وتقييم الخدمات والمشاركة.", lang="ar")))
        graph.add((catalogue, DCTERMS.description, Literal(
            "The e-participation platform's open data: ballot results, complaints, service ratings and"
            " participation.", lang="en")))
        graph.add((catalogue, DCTERMS.publisher, self._agent(graph, "sharik")))
        graph.add((catalogue, FOAF.homepage, self._document(graph, f"{self.base}/catalog.ttl")))
        graph.add((catalogue, DCTERMS.license, self._licence(graph)))
        graph.add((catalogue, DCTERMS.spatial, self._place(graph, None)))
        for language in (LANGUAGE.ARA, LANGUAGE.ENG):
            graph.add((catalogue, DCTERMS.language, language))
            graph.add((language, RDF.type, DCTERMS.LinguisticSystem))
        if modified is not None:
            graph.add((catalogue, DCTERMS.modified, _time(modified)))
        if issued is not None:
            graph.add((catalogue, DCTERMS.issued, _time(issued)))
        graph.add((catalogue, DCAT.themeTaxonomy, THEME_TAXONOMY))
        graph.add((THEME_TAXONOMY, RDF.type, SKOS.ConceptScheme))
        graph.add((THEME_TAXONOMY, DCTERMS.title, Literal("Data theme", lang="en")))
        graph.add((THEME_TAXONOMY, DCTERMS.title, Literal("موضوعات البيانات", lang="ar")))
        for published in datasets:
            graph.add((catalogue, DCAT.dataset, self._dataset(graph, published)))
        if total > page_size:
            self._paging(graph, page=page, page_size=page_size, total=total)
        return graph

    def dataset(self, published: Published) -> Graph:
        graph = _graph()
        self._dataset(graph, published)
        return graph

    def _paging(self, graph: Graph, *, page: int, page_size: int, total: int) -> None:
        last = (total + page_size - 1) // page_size
        view = URIRef(self._page(page))
        graph.add((view, RDF.type, HYDRA.PartialCollectionView))
        graph.add((view, HYDRA.totalItems, Literal(total, datatype=XSD.nonNegativeInteger)))
        graph.add((view, HYDRA.itemsPerPage, Literal(page_size, datatype=XSD.nonNegativeInteger)))
        graph.add((view, HYDRA.first, URIRef(self._page(1))))
        graph.add((view, HYDRA.last, URIRef(self._page(last))))
        if page > 1:
            graph.add((view, HYDRA.previous, URIRef(self._page(page - 1))))
        if page < last:
            graph.add((view, HYDRA.next, URIRef(self._page(page + 1))))

    def _page(self, page: int) -> str:
        return f"{self.base}/catalog.ttl?page={page}"

    def _dataset(self, graph: Graph, published: Published) -> URIRef:
        table = published.table
        own = f"{self.base}/datasets/{table.dataset_id}"
        dataset = URIRef(own)
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCTERMS.identifier, Literal(table.dataset_id)))
        for language in ("ar", "en"):
            graph.add((dataset, DCTERMS.title, Literal(table.title[language], lang=language)))
            graph.add((dataset, DCTERMS.description, Literal(table.description[language], lang=language)))
            for keyword in table.keywords:
                graph.add((dataset, DCAT.keyword, Literal(keyword[language], lang=language)))
        graph.add((dataset, DCTERMS.publisher, self._agent(graph, table.publisher)))
        graph.add((dataset, DCAT.contactPoint, self._contact(graph, table.dataset_id)))
        theme = THEME[table.theme]
        graph.add((dataset, DCAT.theme, theme))
        graph.add((theme, RDF.type, SKOS.Concept))
        for language, label in THEMES[table.theme].items():
            graph.add((theme, SKOS.prefLabel, Literal(label, lang=language)))
        graph.add((dataset, DCTERMS.spatial, self._place(graph, table.governorate)))
        # Blank nodes named after their dataset: the same catalogue serialises to the
        # same bytes, so its ETag holds until a dataset changes.
        period = BNode(f"{table.dataset_id}-period")
        graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
        graph.add((period, DCAT.startDate, _time(table.temporal[0])))
        graph.add((period, DCAT.endDate, _time(table.temporal[1])))
        graph.add((dataset, DCTERMS.temporal, period))
        graph.add((dataset, DCTERMS.issued, _time(table.issued)))
        graph.add((dataset, DCTERMS.modified, _time(table.modified)))
        graph.add((dataset, DCAT.landingPage, self._document(graph, f"{own}.json")))
        for media, description in DESCRIPTIONS.items():
            mime, file_type = MEDIA_TYPES[media]
            content = getattr(published.files, media)
            distribution = URIRef(f"{own}.{media}")
            graph.add((dataset, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCTERMS.title, Literal(f"{table.title['en']} ({media.upper()})", lang="en")))
            for language, text in description.items():
                graph.add((distribution, DCTERMS.description, Literal(text, lang=language)))
            self._available(graph, distribution)
            graph.add((distribution, DCAT.accessURL, self._resource(graph, f"{own}.{media}")))
            graph.add((distribution, DCAT.downloadURL, self._resource(graph, f"{own}.{media}")))
            self._media(graph, distribution, mime, file_type)
            graph.add((distribution, DCAT.byteSize, Literal(len(content), datatype=XSD.nonNegativeInteger)))
            graph.add((distribution, DCTERMS.license, self._licence(graph)))
            graph.add((distribution, DCTERMS.modified, _time(table.modified)))
            checksum = BNode(f"{table.dataset_id}-{media}-checksum")
            graph.add((checksum, RDF.type, SPDX.Checksum))
            graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            graph.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
            graph.add((checksum, SPDX.checksumValue, Literal(published.files.digest(media), datatype=XSD.hexBinary)))
            graph.add((distribution, SPDX.checksum, checksum))
        for related in table.related:
            # Files kept elsewhere (the voting service's board): linked, not checksummed here.
            distribution = URIRef(related.url)
            graph.add((dataset, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCTERMS.title, Literal(related.title, lang="en")))
            for language, text in related.description.items():
                graph.add((distribution, DCTERMS.description, Literal(text, lang=language)))
            graph.add((distribution, DCAT.accessURL, self._resource(graph, related.url)))
            self._media(graph, distribution, *MEDIA_TYPES[related.media])
            self._available(graph, distribution)
            graph.add((distribution, DCTERMS.license, self._licence(graph)))
        return dataset

    def _media(self, graph: Graph, distribution: URIRef, mime: str, file_type: URIRef) -> None:
        media_type = URIRef(f"http://www.iana.org/assignments/media-types/{mime}")
        graph.add((distribution, DCAT.mediaType, media_type))
        graph.add((media_type, RDF.type, DCTERMS.MediaType))
        graph.add((distribution, DCTERMS.format, file_type))
        graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))

    def _available(self, graph: Graph, distribution: URIRef) -> None:
        graph.add((distribution, DCATAP.availability, _concept(graph, STABLE)))

    def _agent(self, graph: Graph, code: str) -> URIRef:
        agent = URIRef(f"{self.base}/agencies/{code}")
        graph.add((agent, RDF.type, FOAF.Agent))
        graph.add((agent, DCTERMS.type, _concept(graph, NATIONAL_AUTHORITY)))
        graph.add((agent, FOAF.name, Literal(code)))
        graph.add((agent, DCTERMS.identifier, Literal(code)))
        return agent

    def _contact(self, graph: Graph, dataset_id: str) -> BNode:
        contact = BNode(f"{dataset_id}-contact")
        graph.add((contact, RDF.type, VCARD.Organization))
        graph.add((contact, RDF.type, VCARD.Kind))  # stated: validators do not infer the superclass
        graph.add((contact, VCARD.fn, Literal("فريق البيانات المفتوحة", lang="ar")))
        graph.add((contact, VCARD.fn, Literal("Open data team", lang="en")))
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{self.contact_email}")))
        return contact

    def _place(self, graph: Graph, governorate: str | None) -> URIRef:
        place = OMAN if governorate is None else URIRef(f"{self.base}/places/{governorate}")
        graph.add((place, RDF.type, DCTERMS.Location))
        if governorate is not None:
            graph.add((place, SKOS.prefLabel, Literal(governorate)))
            graph.add((place, DCTERMS.isPartOf, OMAN))
        return place

    def _licence(self, graph: Graph) -> URIRef:
        graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
        graph.add((LICENCE, DCTERMS.type, _concept(graph, ATTRIBUTION)))
        return LICENCE

    def _resource(self, graph: Graph, url: str) -> URIRef:
        resource = URIRef(url)
        graph.add((resource, RDF.type, RDFS.Resource))  # stated: validators do not infer it
        return resource

    def _document(self, graph: Graph, url: str) -> URIRef:
        document = URIRef(url)
        graph.add((document, RDF.type, FOAF.Document))
        return document


def serialize(graph: Graph, extension: str) -> tuple[bytes, str]:
    """The graph in one of SERIALIZATIONS, and its Content-Type."""
    rdf_format, media = SERIALIZATIONS[extension]
    return graph.serialize(format=rdf_format, encoding="utf-8"), media


def _graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                              ("spdx", SPDX), ("hydra", HYDRA), ("skos", SKOS), ("dcatap", DCATAP)):
        graph.bind(prefix, namespace)
    return graph


def _concept(graph: Graph, concept: URIRef) -> URIRef:
    graph.add((concept, RDF.type, SKOS.Concept))
    for language, label in CONCEPTS[concept].items():
        graph.add((concept, SKOS.prefLabel, Literal(label, lang=language)))
    return concept


def _time(moment: datetime) -> Literal:
    return Literal(moment.isoformat(), datatype=XSD.dateTime)
