"""The container image's runtime package list (deploy/image/Dockerfile, stage `runtime`) against
what the built binaries load: `objdump -p` for each binary's own NEEDED libraries, `ldd` for
everything they load, `dpkg -S` for the package that ships each library, and the packages'
Depends for what apt brings along. Docker cannot run here, so this is how the image's list is
kept honest.
"""

import os
import re
import subprocess

# Listed without providing a library: the Azure plugin (libcurl) verifies TLS against the
# system's CA store.
NON_LIBRARY_PACKAGES = {"ca-certificates": "libcurl.so.4"}

_PACKAGE = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")


def runtime_packages(dockerfile_text):
    """The packages the `runtime` stage installs with apt-get install, in order."""
    stage = re.split(r"(?mi)^FROM\s+\S+\s+AS\s+runtime\s*$", dockerfile_text)
    if len(stage) != 2:
        raise ValueError("the Dockerfile has no stage named runtime (FROM … AS runtime)")
    body = re.split(r"(?mi)^FROM\s", stage[1])[0]
    # Join continuation lines, drop comments, then read the words after `apt-get install`.
    logical = re.sub(r"\\\n", " ", "\n".join(
        line for line in body.splitlines() if not line.lstrip().startswith("#")))
    packages = []
    for command in re.findall(r"apt-get\s+install\s+([^&;\n]*)", logical):
        packages += [word for word in command.split() if not word.startswith("-")]
    if not packages:
        raise ValueError("the runtime stage installs no packages with apt-get install")
    bad = [p for p in packages if not _PACKAGE.match(p)]
    if bad:
        raise ValueError(f"not Debian package names: {bad}")
    return packages


def run(command):
    return subprocess.run(command, capture_output=True, text=True, check=False)


def needed_libraries(binary):
    result = run(["objdump", "-p", binary])
    if result.returncode != 0:
        raise RuntimeError(f"objdump -p {binary}: {result.stderr.strip()}")
    return [line.split()[1] for line in result.stdout.splitlines()
            if line.strip().startswith("NEEDED")]


def loaded_libraries(binary):
    """{soname: path} of everything ldd says the binary loads; path None when not found."""
    result = run(["ldd", binary])
    if result.returncode != 0:
        raise RuntimeError(f"ldd {binary}: {result.stderr.strip() or result.stdout.strip()}")
    libraries = {}
    for line in result.stdout.splitlines():
        line = line.strip()
        match = re.match(r"^(\S+) => (not found|(\S+) \(0x[0-9a-f]+\))$", line)
        if match:
            libraries[match.group(1)] = match.group(3)
        elif line.startswith("/"):  # the dynamic loader itself
            path = line.split()[0]
            libraries[os.path.basename(path)] = path
    return libraries


def path_variants(path):
    """Debian 12 records some libraries under /lib and others under /usr/lib (merged /usr)."""
    variants = [path, os.path.realpath(path)]
    for candidate in list(variants):
        if candidate.startswith("/usr/"):
            variants.append(candidate[len("/usr"):])
        else:
            variants.append("/usr" + candidate)
    return list(dict.fromkeys(variants))


def owners_of(paths):
    """{path: package} for the paths dpkg knows, with one `dpkg-query -S` for all of them."""
    candidates = sorted({variant for path in paths for variant in path_variants(path)})
    result = run(["dpkg-query", "-S"] + candidates)  # exit 1 when some are unknown: expected
    by_file = {}
    for line in result.stdout.splitlines():
        if ": " not in line or line.startswith("diversion by"):
            continue
        packages, file = line.split(": ", 1)
        by_file[file.strip()] = packages.split(",")[0].split(":")[0].strip()
    owners = {}
    for path in paths:
        for variant in path_variants(path):
            if variant in by_file:
                owners[path] = by_file[variant]
                break
    return owners


class PackageDatabase:
    """The installed packages (this machine is Debian 12, as the image): status, priority and
    dependencies, read once."""

    def __init__(self):
        result = run(["dpkg-query", "-W", "-f",
                      "${Package}\t${db:Status-Abbrev}\t${Priority}\t${Depends}, "
                      "${Pre-Depends}\n"])
        self.installed, self.required, self.depends = set(), set(), {}
        for line in result.stdout.splitlines():
            name, status, priority, depends = (line.split("\t") + ["", "", ""])[:4]
            if not status.startswith("ii"):
                continue
            self.installed.add(name)
            if priority == "required":
                self.required.add(name)
            self.depends.setdefault(name, []).append(depends)

    def dependencies(self, package):
        """Depends and Pre-Depends: the first installed alternative of each clause."""
        found = []
        for text in self.depends.get(package, []):
            for clause in text.split(","):
                for alternative in clause.split("|"):
                    name = alternative.strip().split(" ")[0].split(":")[0]
                    if name in self.installed:
                        found.append(name)
                        break
        return found

    def closure(self, packages):
        seen, todo = set(), list(packages)
        while todo:
            package = todo.pop()
            if package not in seen:
                seen.add(package)
                todo += self.dependencies(package)
        return seen


def check(dockerfile_text, binaries):
    """(problems, report): problems name the library, the binary and the missing package."""
    problems, report = [], []
    try:
        listed = runtime_packages(dockerfile_text)
    except ValueError as error:
        return [f"Dockerfile: {error}"], report
    database = PackageDatabase()
    loaded = {binary: loaded_libraries(binary) for binary in binaries}
    needed = {binary: needed_libraries(binary) for binary in binaries}
    owners = owners_of(sorted({path for libraries in loaded.values()
                               for path in libraries.values() if path}))
    all_sonames = {soname for libraries in loaded.values() for soname in libraries}
    needed_packages = {}  # package -> [(binary, soname)]
    for binary in binaries:
        name = os.path.basename(binary)
        for soname, path in loaded[binary].items():
            if path is None:
                problems.append(f"{name}: ldd cannot find {soname} on this machine")
        for soname in needed[binary]:
            owner = owners.get(loaded[binary].get(soname))
            if owner is None:
                problems.append(f"{name}: no Debian package ships its library {soname} "
                                f"({loaded[binary].get(soname)})")
                continue
            needed_packages.setdefault(owner, []).append((name, soname))
        report.append(f"{name}: NEEDED {len(needed[binary])}, loads {len(loaded[binary])} "
                      "libraries")
    for package, users in sorted(needed_packages.items()):
        if package not in listed:
            who = ", ".join(f"{soname} ({binary})" for binary, soname in users[:3])
            problems.append(f"Dockerfile runtime stage lacks {package}, which ships {who}")
    available = database.closure(listed) | database.required
    for binary, libraries in loaded.items():
        for soname, path in sorted(libraries.items()):
            owner = owners.get(path) if path else None
            if owner and owner not in available:
                problems.append(f"{os.path.basename(binary)}: {soname} comes from {owner}, which "
                                "neither the runtime list nor its dependencies install")
    for package in listed:
        if package in NON_LIBRARY_PACKAGES:
            if NON_LIBRARY_PACKAGES[package] not in all_sonames:
                problems.append(f"Dockerfile lists {package} for {NON_LIBRARY_PACKAGES[package]}, "
                                "which no binary loads any more")
        elif package not in needed_packages:
            problems.append(f"Dockerfile lists {package}, which ships no library the binaries "
                            "need (keep the runtime image minimal)")
        if package not in database.installed:
            problems.append(f"Dockerfile lists {package}, which is not a Debian 12 package "
                            "installed here (misspelt, or another release's name?)")
    for package, soname in NON_LIBRARY_PACKAGES.items():
        if soname in all_sonames and package not in listed:
            problems.append(f"Dockerfile runtime stage lacks {package}: {soname} verifies TLS "
                            "against the system CA store")
    report.append(f"runtime packages: {' '.join(listed)}")
    return problems, report
