from marketplace.oscar_apps.catalogue.forms import SearchForm


def search_form(request):
    """Oscar's templates expect `search_form` on every page; it is unbound and queries nothing."""
    return {"search_form": SearchForm()}
