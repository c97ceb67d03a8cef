# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every YAML example of the documentation, found and turned into a play that runs against the emulator.

Where the examples are: the README and the roles' READMEs (```yaml fences), the docsite guides (``.. code-block::
yaml`` and ``yaml+jinja``), and the EXAMPLES of the modules and filters. What each is, read from its shape:

- a playbook (plays with ``hosts``): run as written, on a host of its own;
- tasks (a list, or one task): run in a play of their own;
- variables (``tiers: "{{ ... }}"``): templated in a play of their own;
- play keywords (``module_defaults: ...``): a play with them, that reads a call;
- a copy of a file of the repository (its first line names it, ``# docs/examples/...``): compared with the file.

An example that cannot run against the emulator says so where readers see it, with a first comment line
``# Needs <what> ...`` (a tenant, AWX, ansible-rulebook); it is counted and listed, never run. Data that is an
example's result, not an example, starts with ``# Result``: it is parsed and counted too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import glob
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FENCE = re.compile(r'^```ya?ml(?:\+jinja)?\s*\n(.*?)^```\s*$', re.M | re.S)
CODE_BLOCK = re.compile(r'^(\s*)\.\. code-block:: (?:yaml|yaml\+jinja)\s*$')
# Keys that make a mapping a task (any module or action is one, by its dotted or bare name); play keywords.
TASK_KEYS = ('name', 'block', 'include_role', 'import_role', 'include_tasks', 'import_tasks')
PLAY_KEYWORDS = ('module_defaults', 'vars', 'environment', 'gather_facts', 'connection', 'collections')
NEEDS = re.compile(r'^#\s*Needs\s')
RESULT = re.compile(r'^#\s*Result\b')
COPY_OF = re.compile(r'^#\s*((?:docs|playbooks|extensions|tests)/[\w./-]+\.ya?ml)\b')


class Example:  # pylint: disable=too-few-public-methods
    """One YAML example: where it is (``path:line``), its text, its parsed data and its kind."""

    def __init__(self, path, line, text):
        self.path = path
        self.line = line
        self.text = text
        self.id = '%s:%d' % (path, line)
        try:
            self.data = yaml.safe_load(text)
            self.kind = kind_of(text, self.data)
        except (yaml.YAMLError, ValueError) as exc:
            self.data, self.kind, self.error = None, 'invalid', str(exc)

    @property
    def first(self):
        """Its first meaningful line, to recognise it by in the test's setup table."""
        for line in self.text.splitlines():
            if line.strip() and not line.strip().startswith('#') and line.strip() != '---':
                return line.strip()
        return ''


def kind_of(text, data):
    """playbook, tasks, vars, play_keywords, copy, needs or result."""
    comments = [line.strip() for line in text.splitlines() if line.strip() and line.strip() != '---'][:1]
    if comments and NEEDS.match(comments[0]):
        return 'needs'
    if comments and RESULT.match(comments[0]):
        return 'result'
    if comments and COPY_OF.match(comments[0]) and os.path.exists(os.path.join(ROOT, COPY_OF.match(comments[0]).group(1))):
        return 'copy'
    if isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        if any('hosts' in item or 'import_playbook' in item for item in data):
            return 'playbook'
        return 'tasks'
    if isinstance(data, dict):
        if is_task(data):
            return 'tasks'
        if all(key in PLAY_KEYWORDS for key in data):
            return 'play_keywords'
        return 'vars'
    raise ValueError('neither a playbook, tasks nor variables')


def is_task(mapping):
    return any(key in TASK_KEYS or '.' in key for key in mapping)


def copied_path(example):
    return COPY_OF.match(example.text.strip().splitlines()[0]).group(1)


def _markdown(path):
    text = _read(path)
    return [Example(path, text[: match.start()].count('\n') + 2, match.group(1)) for match in FENCE.finditer(text)]


def _rst(path):
    lines = _read(path).split('\n')
    found = []
    index = 0
    while index < len(lines):
        match = CODE_BLOCK.match(lines[index])
        if not match:
            index += 1
            continue
        indent = len(match.group(1))
        body, index = [], index + 1
        while index < len(lines) and (not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > indent):
            body.append(lines[index])
            index += 1
        start = index - len(body) + next(at for at, line in enumerate(body) if line.strip())
        text = '\n'.join(body)
        width = min(len(line) - len(line.lstrip()) for line in body if line.strip())
        found.append(Example(path, start + 1, '\n'.join(line[width:] for line in text.split('\n')).strip('\n') + '\n'))
    return found


def _python_examples(path):
    tree = ast.parse(_read(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) == 'EXAMPLES' for target in node.targets):
            return [Example(path, node.lineno + 1, node.value.value)]
    return []


def _sidecar_examples(path):
    text = yaml.safe_load(_read(path)).get('EXAMPLES')
    return [Example(path, 1, text)] if text else []


def _read(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as handle:
        return handle.read()


def all_examples():
    """Every YAML example, in a stable order."""
    found = []
    for path in ['README.md'] + sorted(glob.glob('roles/*/README.md', root_dir=ROOT)):
        found.extend(_markdown(path))
    for path in sorted(glob.glob('docs/docsite/rst/*.rst', root_dir=ROOT)):
        found.extend(_rst(path))
    for path in sorted(glob.glob('plugins/modules/*.py', root_dir=ROOT)):
        found.extend(_python_examples(path))
    for path in sorted(glob.glob('plugins/filter/*.yml', root_dir=ROOT)):
        found.extend(_sidecar_examples(path))
    return found


def with_endpoint(node, endpoint):
    """``node`` (plays, tasks, blocks) with the emulator's address added to every module_defaults of the action group
    that does not set it, so that an example names its own credentials and still reaches the emulator."""
    if isinstance(node, list):
        return [with_endpoint(item, endpoint) for item in node]
    if not isinstance(node, dict):
        return node
    result = dict((key, with_endpoint(value, endpoint)) for key, value in node.items())
    defaults = result.get('module_defaults')
    if isinstance(defaults, dict) and isinstance(defaults.get('group/msgraph.calls.graph'), dict):
        group = dict(defaults['group/msgraph.calls.graph'])
        for key, value in endpoint.items():
            if key == 'client_secret' and group.get('auth_method') not in (None, 'auto', 'client_secret'):
                continue  # an example that names another credential (federation) is run with that one
            group.setdefault(key, value)
        result['module_defaults'] = dict(defaults, **{'group/msgraph.calls.graph': group})
    return result


def plays_for(example, host, endpoint, call_id):
    """The plays that run ``example`` on ``host``, pointed at the emulator."""
    base = {'hosts': host, 'gather_facts': False, 'module_defaults': {'group/msgraph.calls.graph': dict(endpoint)}}
    if example.kind == 'playbook':
        plays = []
        for play in example.data:
            play = with_endpoint(dict(play), endpoint)
            play['hosts'] = host
            # What a job's environment would hold (a federated token's file): the test's host variable.
            play.setdefault('environment', '{{ doc_example_environment | default({}) }}')
            play.setdefault('module_defaults', {}).setdefault('group/msgraph.calls.graph', dict(endpoint))
            plays.append(play)
        return plays
    if example.kind == 'tasks':
        tasks = example.data if isinstance(example.data, list) else [example.data]
        return [dict(base, name=example.id, tasks=with_endpoint(tasks, endpoint))]
    if example.kind == 'vars':
        # Templated, not printed: an example's variables may hold a connection, secret and all.
        templated = [
            {'name': 'Template %s' % key, 'ansible.builtin.set_fact': {'doc_example_%s' % key: '{{ %s }}' % key}, 'no_log': True} for key in example.data
        ]
        return [dict(base, name=example.id, vars=example.data, tasks=templated)]
    if example.kind == 'play_keywords':
        play = with_endpoint(dict(example.data, hosts=host, gather_facts=False, name=example.id), endpoint)
        play['tasks'] = [{'name': 'Read a call with these play keywords', 'msgraph.calls.graph_call_info': {'call_id': call_id}}]
        return [play]
    raise ValueError('%s is not run: %s' % (example.id, example.kind))
