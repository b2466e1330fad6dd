"""What the office does with the data: no requests, no templates."""
