# The tests of both layers (_graph/, _calls/) share fake_time.py and graph_params.py; pytest puts this folder on
# sys.path for its conftest, which makes ``from fake_time import FakeClock`` work from the subfolders.
