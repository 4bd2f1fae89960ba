"""Education (S13): lectures, workshops and mobile consultation points with a capacity and a waiting
list (R-CAPACITY), and individual consultation slots that one organisation books."""
