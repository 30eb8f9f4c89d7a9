import subprocess
import sys


def test_the_crypto_package_imports_nothing_from_django_or_the_rest_of_rightsdesk():
    code = (
        "import sys, pkgutil, importlib, rightsdesk.crypto as c\n"
        "for m in pkgutil.iter_modules(c.__path__):\n"
        "    importlib.import_module(f'rightsdesk.crypto.{m.name}')\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.')"
        " or (n.startswith('rightsdesk.') and not n.startswith('rightsdesk.crypto')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
