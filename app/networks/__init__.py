"""JIPP networks: the networks, their members (owners), coordinators and activities."""
