"""NetSuite (SuiteTalk REST web services): the adapter and its sandbox."""
