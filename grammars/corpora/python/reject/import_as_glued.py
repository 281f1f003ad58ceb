import os asx
