from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """DRF's pages, held to the schema: the page is a whole number from 1 (DRF also reads an
    empty `page=` as page 1, and "last" as the last page)."""

    last_page_strings = ()

    def get_page_number(self, request, paginator) -> int | str:
        number = request.query_params.get(self.page_query_param)
        if number is None:
            return 1
        if not (number.isascii() and number.isdecimal()):
            raise NotFound(self.invalid_page_message)
        return number

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
